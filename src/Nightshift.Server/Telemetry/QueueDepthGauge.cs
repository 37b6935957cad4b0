using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Nightshift.Core.Tasks;
using Nightshift.Core.Telemetry;
using Nightshift.Storage;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// <c>nightshift.queue.depth</c>: how many tasks wait in the queue, fleet-wide (it is the store's count). A collection
/// never waits on the store: it reports the last sample and, when that is older than
/// <see cref="TelemetryOptions.QueueDepthInterval"/>, starts one new sample in the background. Counting stops at
/// <see cref="MaxCounted"/>; without a listener the store is never asked.
/// </summary>
internal sealed partial class QueueDepthGauge : IDisposable
{
    /// <summary>The count is capped: past this many queued tasks the figure says "at least".</summary>
    public const int MaxCounted = 1_000;

    private readonly INightshiftStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<QueueDepthGauge> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Meter _meter;
    private long _depth = -1;
    private long _sampledAtTicks;
    private int _sampling;

    public QueueDepthGauge(INightshiftStore store, IMeterFactory meters, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<QueueDepthGauge> logger)
    {
        _store = store;
        _time = time;
        _interval = options.Value.QueueDepthInterval;
        _logger = logger;
        _meter = meters.Create(NightshiftTelemetry.MeterName);
        _meter.CreateObservableGauge("nightshift.queue.depth", Observe, "{task}", "Tasks queued and waiting for a worker (counted up to 1000).");
    }

    /// <summary>The meter the gauge is published on (for tests to listen to this host's gauge only).</summary>
    internal Meter Meter => _meter;

    /// <summary>Completes when the sample a collection started has been taken (for tests).</summary>
    internal Task? Sampling { get; private set; }

    public void Dispose()
    {
        // The source is cancelled, not disposed: a sample still running reads its token.
        _stopping.Cancel();
        _meter.Dispose();
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _sampledAtTicks) >= _interval.Ticks && Interlocked.Exchange(ref _sampling, 1) == 0)
        {
            Sampling = SampleAsync();
        }
        var depth = Interlocked.Read(ref _depth);
        return depth < 0 ? [] : [new Measurement<long>(depth)];
    }

    private async Task SampleAsync()
    {
        try
        {
            var count = 0;
            string? cursor = null;
            do
            {
                var page = await _store.ListAsync(new TaskQuery(Status: TaskState.Queued, Cursor: cursor, Limit: TaskQuery.MaxLimit), _stopping.Token).ConfigureAwait(false);
                count += page.Items.Count;
                cursor = page.NextCursor;
            }
            while (cursor is not null && count < MaxCounted);
            Interlocked.Exchange(ref _depth, Math.Min(count, MaxCounted));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            LogSampleFailed(_logger, exception);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            Interlocked.Exchange(ref _sampledAtTicks, _time.GetUtcNow().UtcTicks);
            Interlocked.Exchange(ref _sampling, 0);
        }
    }

    [LoggerMessage(EventId = 3480, Level = LogLevel.Warning, Message = "Counting the queued tasks for the queue depth metric failed; the last figure stands until the next sample")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
