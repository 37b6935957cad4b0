using System.Globalization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Cli.Output;

/// <summary>How task fields read in text output.</summary>
internal static class TaskFormatter
{
    public static string Status(TaskRecord task) =>
        task.Status == TaskState.Running && task.Phase != TaskPhase.None
            ? $"{task.Status.ToWire()} ({task.Phase.ToWire()})"
            : task.Status.ToWire();

    public static string Tokens(UsageTotals usage) =>
        string.Create(CultureInfo.InvariantCulture, $"{usage.InputTokens:N0} in / {usage.OutputTokens:N0} out / {usage.CachedTokens:N0} cached ({usage.Calls} calls)");

    public static string Age(DateTimeOffset then, DateTimeOffset now)
    {
        var span = now - then;
        return span.TotalSeconds switch
        {
            < 0 => "just now",
            < 60 => $"{(int)span.TotalSeconds}s ago",
            < 3600 => $"{(int)span.TotalMinutes}m ago",
            < 86400 => $"{(int)span.TotalHours}h ago",
            _ => $"{(int)span.TotalDays}d ago",
        };
    }

    public static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{Math.Max(0, (int)span.TotalSeconds)}s";

    /// <summary>The exit status a finished task maps to.</summary>
    public static int ExitCode(TaskRecord task) => task.Status == TaskState.Succeeded ? ExitCodes.Ok : ExitCodes.TaskFailed;
}
