using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Nightshift.Agent.Configuration;

/// <summary>
/// Reads the <c>limits:</c> key of <c>.nightshift.yml</c> strictly: only the known groups and fields, sizes with a unit
/// (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), durations in s, m or h, and every value within a sane range, so a typo or an
/// absurd number is an error naming its line rather than a limit that silently does not hold.
/// </summary>
internal static class RepoLimitsParser
{
    private const string FileName = RepoConfigParser.FileName;
    private static readonly string[] Groups = ["command", "task", "setup", "agent", "verify"];
    private static readonly string[] CommandFields = ["cpu_seconds", "memory", "processes", "file_size", "tmp", "timeout"];
    private static readonly string[] TaskFields = ["timeout", "cpu_seconds", "disk"];

    private static readonly (string Unit, long Factor)[] SizeUnits =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000), ("TB", 1000_000_000_000), ("B", 1),
    ];

    private const long KiB = 1L << 10;
    private const long MiB = 1L << 20;
    private const long TiB = 1L << 40;

    public static RepoLimits Parse(YamlNode node)
    {
        var map = node as YamlMappingNode ?? throw new RepoConfigException(
            $"{FileName} line {node.Start.Line}: 'limits' must be a map of {string.Join(", ", Groups)} to their limits (for example `limits: {{ command: {{ memory: 2GiB, timeout: 20m }}, task: {{ timeout: 45m }} }}`)");
        var limits = RepoLimits.Unstated;
        foreach (var (keyNode, value) in map.Children)
        {
            var group = (keyNode as YamlScalarNode)?.Value ?? "";
            limits = group switch
            {
                "command" => limits with { Command = Command("command", value) },
                "setup" => limits with { Setup = Command("setup", value) },
                "agent" => limits with { Agent = Command("agent", value) },
                "verify" => limits with { Verify = Command("verify", value) },
                "task" => limits with { Task = Task(value) },
                _ => throw new RepoConfigException(
                    $"{FileName} line {keyNode.Start.Line}: unknown 'limits' group '{Clip(group)}'; the groups are {string.Join(", ", Groups)}"),
            };
        }
        return limits;
    }

    private static RepoCommandLimits Command(string group, YamlNode node)
    {
        var limits = RepoCommandLimits.Unstated;
        foreach (var (field, value) in Fields(group, node, CommandFields))
        {
            var name = $"limits.{group}.{field}";
            limits = field switch
            {
                "cpu_seconds" => limits with { CpuSeconds = (int)Count(name, value, 1, 7 * 24 * 3600) },
                "memory" => limits with { MemoryBytes = Size(name, value, 16 * MiB, TiB) },
                "processes" => limits with { Processes = (int)Count(name, value, 8, 1 << 22) },
                "file_size" => limits with { FileSizeBytes = Size(name, value, KiB, TiB) },
                "tmp" => limits with { TmpfsBytes = Size(name, value, MiB, TiB) },
                _ => limits with { Timeout = Duration(name, value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)) },
            };
        }
        return limits;
    }

    private static RepoTaskLimits Task(YamlNode node)
    {
        var limits = RepoTaskLimits.Unstated;
        foreach (var (field, value) in Fields("task", node, TaskFields))
        {
            var name = $"limits.task.{field}";
            limits = field switch
            {
                "timeout" => limits with { Timeout = Duration(name, value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)) },
                "cpu_seconds" => limits with { CpuSeconds = Count(name, value, 1, 365L * 24 * 3600) },
                _ => limits with { DiskBytes = Size(name, value, MiB, 64 * TiB) },
            };
        }
        return limits;
    }

    private static IEnumerable<(string Field, YamlNode Value)> Fields(string group, YamlNode node, string[] known)
    {
        if (node is not YamlMappingNode map)
        {
            throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: 'limits.{group}' must be a map of {string.Join(", ", known)} to values (for example `{group}: {{ {known[0]}: ... }}`)");
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var field = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(field, StringComparer.Ordinal))
            {
                throw new RepoConfigException(
                    $"{FileName} line {keyNode.Start.Line}: unknown limit 'limits.{Clip(group)}.{Clip(field)}'; the limits of '{group}' are {string.Join(", ", known)}");
            }
            yield return (field, value);
        }
    }

    private static string Text(string name, YamlNode node, string example) =>
        node is YamlScalarNode { Value: { } text } && text.Trim().Length > 0
            ? text.Trim()
            : throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{name}' must be a single value like {example}");

    private static long Count(string name, YamlNode node, long min, long max)
    {
        var text = Text(name, node, min.ToString(CultureInfo.InvariantCulture));
        if (text.Length > 19 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: '{name}' is '{Clip(text)}'; give a whole number from {min} to {max}");
        }
        return value >= min && value <= max
            ? value
            : throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{name}' is {value}; give a whole number from {min} to {max}");
    }

    private static long Size(string name, YamlNode node, long min, long max)
    {
        var text = Text(name, node, "512MiB");
        var unit = SizeUnits.FirstOrDefault(u => text.EndsWith(u.Unit, StringComparison.Ordinal));
        var number = unit.Unit is null ? "" : text[..^unit.Unit.Length].TrimEnd();
        if (unit.Unit is null || number.Length is 0 or > 20
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: '{name}' is '{Clip(text)}'; give a size with a unit, like 512MiB or 2GiB (units: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
        }
        var bytes = amount * unit.Factor;
        return bytes >= min && bytes <= max
            ? (long)bytes
            : throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: '{name}' is {Clip(text)}; give a size from {Describe(min)} to {Describe(max)}");
    }

    private static TimeSpan Duration(string name, YamlNode node, TimeSpan min, TimeSpan max)
    {
        var text = Text(name, node, "20m");
        var seconds = text.Length > 0 ? text[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 0,
        } : 0;
        var number = seconds == 0 ? "" : text[..^1].TrimEnd();
        if (seconds == 0 || number.Length is 0 or > 12
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: '{name}' is '{Clip(text)}'; give a duration with a unit, like 90s, 20m or 2h");
        }
        var total = amount * seconds;
        return total >= (decimal)min.TotalSeconds && total <= (decimal)max.TotalSeconds
            ? TimeSpan.FromSeconds((double)total)
            : throw new RepoConfigException(
                $"{FileName} line {node.Start.Line}: '{name}' is {Clip(text)}; give a duration from {min.TotalSeconds:0}s to {max.TotalHours:0}h");
    }

    private static string Describe(long bytes) => bytes switch
    {
        >= TiB when bytes % TiB == 0 => $"{bytes / TiB}TiB",
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        >= MiB when bytes % MiB == 0 => $"{bytes / MiB}MiB",
        >= KiB when bytes % KiB == 0 => $"{bytes / KiB}KiB",
        _ => $"{bytes}B",
    };

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
