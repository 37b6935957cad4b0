using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>What the command line asked for: options to run, the help text, or an error naming the argument.</summary>
public sealed record ParsedArguments(FleetOptions? Options, bool Help, string? Error);

/// <summary>The harness's command line (<c>--help</c> shows it): every option is <c>--name value</c> except the switches.</summary>
public static class FleetArguments
{
    /// <summary>Fault names on the command line, in the order the help lists them.</summary>
    public static IReadOnlyList<KeyValuePair<string, FaultKind>> FaultNames { get; } =
    [
        new("kill", FaultKind.WorkerKill),
        new("term", FaultKind.WorkerTerm),
        new("pause", FaultKind.WorkerPause),
        new("pg-fast", FaultKind.PostgresFast),
        new("pg-immediate", FaultKind.PostgresImmediate),
        new("model-errors", FaultKind.ModelErrors),
        new("model-hang", FaultKind.ModelHang),
        new("disk-fill", FaultKind.DiskFill),
    ];

    public static string Usage { get; } = string.Join('\n',
        "Nightshift fleet harness: a throwaway PostgreSQL, one API and N worker processes, a scripted model and real git",
        "repositories; M tasks submitted while faults are injected on a seeded schedule; then every promise is checked.",
        "",
        "usage: dotnet run -c Release --project bench/Nightshift.Bench.Fleet -- [options]",
        "",
        "  --seed N             seeds the task mix and the fault schedule (default 1)",
        "  --tasks M            tasks to submit, at least 1 (default 12)",
        "  --workers N          worker processes, 1 to 16 (default 2)",
        "  --slots S            tasks at once per worker, 1 to 16 (default 2)",
        "  --lease SEC          the workers' lease in seconds, 3 to 600 (default 4)",
        "  --repos K            repositories the tasks are spread over, 1 to 100 (default 3)",
        "  --faults LIST        comma-separated: kill,term,pause,pg-fast,pg-immediate,model-errors,model-hang,disk-fill;",
        "                       or all (default) or none",
        "  --fault-interval SEC mean time between faults, more than 0 (default 12)",
        "  --fault-duration SEC how long a lasting fault lasts, more than 0 (default 6)",
        "  --deadline MIN       give up waiting for tasks after this long; the open ones count as lost (default 10)",
        "  --scale K            also run K clean tasks with 1, 2 and 4 workers and compare (default 0: skip)",
        "  --markdown PATH      also write the report as Markdown to PATH",
        "  --keep               keep the run's folder (data, repositories, logs) and print where it is",
        "  --help               this text",
        "",
        "Progress goes to stderr, the report to stdout. Exit code 0: no violation; 1: violations (each with its task ids);",
        "2: bad arguments or a harness failure. See docs/fleet.md.");

    public static ParsedArguments Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var options = new FleetOptions();
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = arguments[i];
            if (name is "--help" or "-h")
            {
                return new ParsedArguments(null, true, null);
            }
            if (name == "--keep")
            {
                options = options with { Keep = true };
                continue;
            }
            if (!name.StartsWith("--", StringComparison.Ordinal) || !IsValued(name))
            {
                return Fail($"unknown argument '{name}'; see --help for the options");
            }
            if (i + 1 >= arguments.Count)
            {
                return Fail($"{name} needs a value");
            }
            var value = arguments[++i];
            string? error = null;
            options = name switch
            {
                "--seed" => Integer(name, value, int.MinValue, int.MaxValue, ref error) is var seed && error is null ? options with { Seed = seed } : options,
                "--tasks" => Integer(name, value, 1, 100_000, ref error) is var tasks && error is null ? options with { Tasks = tasks } : options,
                "--workers" => Integer(name, value, 1, 16, ref error) is var workers && error is null ? options with { Workers = workers } : options,
                "--slots" => Integer(name, value, 1, 16, ref error) is var slots && error is null ? options with { SlotsPerWorker = slots } : options,
                "--lease" => Integer(name, value, 3, 600, ref error) is var lease && error is null ? options with { LeaseSeconds = lease } : options,
                "--repos" => Integer(name, value, 1, 100, ref error) is var repos && error is null ? options with { Repositories = repos } : options,
                "--scale" => Integer(name, value, 0, 100_000, ref error) is var scale && error is null ? options with { ScaleTasks = scale } : options,
                "--fault-interval" => Seconds(name, value, ref error) is var interval && error is null ? options with { FaultIntervalSeconds = interval } : options,
                "--fault-duration" => Seconds(name, value, ref error) is var duration && error is null ? options with { FaultDurationSeconds = duration } : options,
                "--deadline" => Seconds(name, value, ref error) is var deadline && error is null ? options with { DeadlineMinutes = deadline } : options,
                "--faults" => Faults(value, ref error) is { } faults ? options with { Faults = faults } : options,
                "--markdown" => string.IsNullOrWhiteSpace(value) ? Set(ref error, "--markdown needs a file path", options) : options with { MarkdownPath = value },
                _ => options,
            };
            if (error is not null)
            {
                return Fail(error);
            }
        }
        return new ParsedArguments(options, false, null);
    }

    private static bool IsValued(string name) => name is "--seed" or "--tasks" or "--workers" or "--slots" or "--lease" or "--repos" or "--scale"
        or "--fault-interval" or "--fault-duration" or "--deadline" or "--faults" or "--markdown";

    private static ParsedArguments Fail(string error) => new(null, false, error);

    private static FleetOptions Set(ref string? error, string message, FleetOptions options)
    {
        error = message;
        return options;
    }

    private static int Integer(string name, string value, int min, int max, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }
        error = min == int.MinValue
            ? $"{name} '{value}' is not a whole number"
            : string.Create(CultureInfo.InvariantCulture, $"{name} '{value}' is not allowed: give a whole number from {min} to {max}");
        return 0;
    }

    private static double Seconds(string name, string value, ref string? error)
    {
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number > 0 && double.IsFinite(number))
        {
            return number;
        }
        error = $"{name} '{value}' is not allowed: give a number more than 0 (a decimal point is fine)";
        return 0;
    }

    private static HashSet<FaultKind>? Faults(string value, ref string? error)
    {
        var trimmed = value.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return [.. FaultNames.Select(pair => pair.Value)];
        }
        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        var kinds = new HashSet<FaultKind>();
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = FaultNames.FirstOrDefault(pair => pair.Key.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (match.Key is null)
            {
                error = $"--faults: unknown fault '{part}'; allowed: {string.Join(',', FaultNames.Select(pair => pair.Key))}, or all, or none";
                return null;
            }
            kinds.Add(match.Value);
        }
        if (kinds.Count == 0)
        {
            error = "--faults is empty; give fault names separated by commas, or all, or none";
            return null;
        }
        return kinds;
    }
}
