using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.Telemetry;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Telemetry;

public sealed class QueueDepthGaugeTests
{
    [Fact]
    public async Task Observe_ThreeQueuedTasks_ReportsThreeOnceSampled_WithoutWaitingOnTheStore()
    {
        await using var server = await RunningServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await ApiCalls.SubmitAsync(server.Client, instruction: $"task {i}");
        }
        var gauge = server.App.Services.GetRequiredService<QueueDepthGauge>();
        var seen = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == gauge.Meter && instrument.Name == "nightshift.queue.depth")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => seen.Add(value));
        listener.Start();

        // The first collection only starts a sample: it never blocks on the store.
        listener.RecordObservableInstruments();
        seen.ShouldBeEmpty();
        await gauge.Sampling.ShouldNotBeNull();
        listener.RecordObservableInstruments();

        seen.ShouldBe([3]);
    }
}
