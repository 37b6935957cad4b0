using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Nightshift.Server.Metrics;

/// <summary>
/// This process's own counters, rendered in the Prometheus text format. They count what went through this
/// process since it started; the store remains the source of truth for totals.
/// </summary>
internal sealed class ServerMetrics
{
    private readonly ConcurrentDictionary<string, long> _finished = new(StringComparer.Ordinal);
    private long _submitted;
    private long _started;
    private long _running;
    private long _eventsAppended;
    private long _sseClients;
    private long _sseEventsSent;

    public long SseClients => Interlocked.Read(ref _sseClients);

    public void TaskSubmitted() => Interlocked.Increment(ref _submitted);

    public void TaskStarted()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _running);
    }

    /// <param name="state">the wire name of how the attempt ended (a final state, queued, awaiting_approval) or "abandoned".</param>
    public void TaskFinished(string state)
    {
        Interlocked.Decrement(ref _running);
        _finished.AddOrUpdate(state, 1, (_, count) => count + 1);
    }

    public void EventsAppended(int count = 1) => Interlocked.Add(ref _eventsAppended, count);

    public void SseClientConnected() => Interlocked.Increment(ref _sseClients);

    public void SseClientDisconnected() => Interlocked.Decrement(ref _sseClients);

    public void SseEventSent() => Interlocked.Increment(ref _sseEventsSent);

    public string Render()
    {
        var text = new StringBuilder();
        Counter(text, "nightshift_tasks_submitted_total", "Tasks submitted through this server.", Interlocked.Read(ref _submitted));
        Counter(text, "nightshift_tasks_started_total", "Attempts this process's worker claimed.", Interlocked.Read(ref _started));
        Gauge(text, "nightshift_tasks_running", "Tasks this process's worker is running now.", Interlocked.Read(ref _running));
        text.Append("# HELP nightshift_tasks_finished_total Attempts this process's worker ended, by the state the task moved to.\n");
        text.Append("# TYPE nightshift_tasks_finished_total counter\n");
        foreach (var (state, count) in _finished.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"nightshift_tasks_finished_total{{state=\"{state}\"}} {count}\n");
        }
        Counter(text, "nightshift_events_appended_total", "Task events this process appended to the log.", Interlocked.Read(ref _eventsAppended));
        Gauge(text, "nightshift_sse_clients", "Event streams open now.", SseClients);
        Counter(text, "nightshift_sse_events_sent_total", "Events written to event streams.", Interlocked.Read(ref _sseEventsSent));
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) => Line(text, name, help, "counter", value);

    private static void Gauge(StringBuilder text, string name, string help, long value) => Line(text, name, help, "gauge", value);

    private static void Line(StringBuilder text, string name, string help, string type, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
