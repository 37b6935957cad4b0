using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.Telemetry;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Telemetry;

public sealed class QueueDepthGaugeTests
{
    [Fact]
    public async Task Observe_ThreeQueuedTasks_ReportsThreeFromASampleTakenInTheBackground()
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(new { Telemetry = new { QueueDepthInterval = "00:00:01" } }));
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        for (var i = 0; i < 3; i++)
        {
            await ApiCalls.SubmitAsync(server.Client, instruction: $"task {i}");
        }
        var gauge = server.App.Services.GetRequiredService<QueueDepthGauge>();
        var seen = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == gauge.Meter && instrument.Name == "nightshift.queue.depth")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => seen.Enqueue(value));
        listener.Start();

        // Other collectors in this process may have sampled the queue before the tasks were submitted: a collection
        // reports the last sample and starts the next one once it is a second old.
        await TestDefaults.WaitUntilAsync(async () =>
        {
            listener.RecordObservableInstruments();
            if (gauge.Sampling is { } sampling)
            {
                await sampling;
            }
            listener.RecordObservableInstruments();
            return seen.LastOrDefault() == 3;
        }, "the gauge reported the three queued tasks");
    }
}
