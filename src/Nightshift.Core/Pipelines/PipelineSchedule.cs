namespace Nightshift.Core.Pipelines;

/// <summary>
/// When a registered pipeline starts by itself: a cron expression (five fields, or six with seconds) read in
/// <paramref name="TimeZone"/> (an IANA name such as Europe/Berlin; UTC when not given), with the inputs its runs get.
/// A missed time runs once when a server starts, never once per missed tick; one server of a fleet starts it.
/// </summary>
public sealed record PipelineSchedule(string Cron, string TimeZone = "UTC")
{
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();
}
