namespace Nightshift.Core.Events;

/// <summary>
/// One entry of a task's append-only log. <see cref="Sequence"/> counts 1, 2, 3… per task with no gaps;
/// <see cref="Data"/> is a JSON object.
/// </summary>
public sealed record TaskEvent(string TaskId, long Sequence, DateTimeOffset Time, string Type, string Data)
{
    /// <summary>Largest payload the log accepts; bigger outputs are truncated by whoever emits them.</summary>
    public const int MaxDataBytes = 256 * 1024;
}
