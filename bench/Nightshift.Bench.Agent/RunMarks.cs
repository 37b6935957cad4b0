using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nightshift.Bench.Agent;

/// <summary>When one attempt's executor started, and when each event type was first written (Stopwatch ticks).</summary>
internal sealed class RunMarks(string taskId)
{
    public string TaskId { get; } = taskId;

    public long Started { get; } = Stopwatch.GetTimestamp();

    public ConcurrentDictionary<string, long> FirstEvent { get; } = new(StringComparer.Ordinal);

    /// <summary>Milliseconds from the executor's start to the first <paramref name="type"/> event, or null when none was written.</summary>
    public double? Until(string type) =>
        FirstEvent.TryGetValue(type, out var at) ? Stopwatch.GetElapsedTime(Started, at).TotalMilliseconds : null;
}
