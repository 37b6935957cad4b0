using System.Diagnostics;
using Nightshift.Core.Telemetry;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The span of one sandboxed command and the kill counter. A span names the program only (the first word of a shell
/// script, past any VAR=value assignments, without its folder): arguments and scripts can carry secrets and stay out.
/// </summary>
internal static class CommandTelemetry
{
    private const int MaxNameLength = 64;

    public static Activity? Start(CommandSpec spec)
    {
        var activity = NightshiftActivities.Source.StartActivity(NightshiftActivities.Command, ActivityKind.Internal);
        activity?.SetTag(NightshiftActivities.ExecutableTag, ProgramName(spec.Argv));
        return activity;
    }

    public static void Finished(Activity? activity, CommandResult result)
    {
        var limit = LimitName(result.LimitHit);
        // Processes holds forks back rather than ending the command, so it is not a kill.
        if (result.LimitHit is not (SandboxLimit.None or SandboxLimit.Processes))
        {
            NightshiftInstruments.SandboxKills.Add(1, new KeyValuePair<string, object?>("limit", limit));
        }
        if (activity is null)
        {
            return;
        }
        activity.SetTag(NightshiftActivities.ExitCodeTag, result.ExitCode);
        activity.SetTag(NightshiftActivities.TimedOutTag, result.TimedOut);
        if (result.LimitHit is not SandboxLimit.None)
        {
            activity.SetTag(NightshiftActivities.LimitTag, limit);
        }
        if (!result.Succeeded)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.LimitHit is SandboxLimit.None ? $"exit code {result.ExitCode}" : $"stopped at the {limit} limit");
        }
    }

    public static void Failed(Activity? activity, Exception exception) =>
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);

    public static string LimitName(SandboxLimit limit) => limit switch
    {
        SandboxLimit.None => "none",
        SandboxLimit.WallClock => "wall_clock",
        SandboxLimit.CpuTime => "cpu_time",
        SandboxLimit.Memory => "memory",
        SandboxLimit.FileSize => "file_size",
        SandboxLimit.Processes => "processes",
        _ => "other",
    };

    /// <summary>The program a command runs, as far as it can be told without reading more than its first word.</summary>
    public static string ProgramName(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0)
        {
            return "unknown";
        }
        var program = argv[0];
        if (argv.Count >= 3 && argv[1] == "-c" && Path.GetFileName(program) is "bash" or "sh")
        {
            program = FirstWord(argv[2]) ?? Path.GetFileName(program);
        }
        var name = Path.GetFileName(program);
        if (name.Length == 0)
        {
            return "unknown";
        }
        // Only a plain program name: quotes, expansions and the like say nothing and may carry more than a name.
        var clean = new string([.. name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '+')]);
        return clean.Length == 0 ? "unknown" : clean.Length <= MaxNameLength ? clean : clean[..MaxNameLength];
    }

    private static string? FirstWord(string script)
    {
        foreach (var word in script.Split([' ', '\t', '\n', '\r', ';', '&', '|', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
        {
            // VAR=value before a program sets its environment: the value is exactly what must not be shown.
            if (word.Contains('=', StringComparison.Ordinal) || word is "exec" or "env" or "command" or "time" or "!" or "{")
            {
                continue;
            }
            return word;
        }
        return null;
    }
}
