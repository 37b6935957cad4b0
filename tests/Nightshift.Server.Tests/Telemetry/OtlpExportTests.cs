using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Core.Telemetry;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;
using OpenTelemetry.Trace;

namespace Nightshift.Server.Tests.Telemetry;

/// <summary>Export over OTLP/HTTP to a receiver on loopback, switched on by configuration alone.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Server_OtlpEndpointConfigured_ExportsTheTaskSpanAndMetricsToTheCollector()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var data = new TempDirectory();
        await WriteSettingsAsync(data.Path, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "nightshift-otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        string id;
        await using (var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(new ScriptedExecutor(eventCount: 1)), data.Path))
        {
            server.App.Services.GetService<TracerProvider>().ShouldNotBeNull();
            id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
            await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
            await TestDefaults.WaitUntilAsync(() => receiver.Received("/v1/traces", id), "the task's span reached the collector");
        }

        // Stopping the host flushes the metrics it had not sent yet.
        receiver.Received("/v1/traces", NightshiftActivities.TaskRun).ShouldBeTrue();
        receiver.Received("/v1/traces", "nightshift-otlp-test").ShouldBeTrue();
        receiver.Received("/v1/metrics", "nightshift.task.duration").ShouldBeTrue();
        receiver.Requests.ShouldAllBe(r => r.ContentType == "application/x-protobuf");
        // The exporter's own calls are not traced: no HttpClient span of them travels back to the collector.
        receiver.Received("/v1/traces", "System.Net.Http").ShouldBeFalse();
    }

    [Fact]
    public async Task Server_NoOtlpEndpoint_SetsUpNoOpenTelemetry()
    {
        await using var server = await RunningServer.StartAsync();

        server.App.Services.GetService<TracerProvider>().ShouldBeNull();
        server.App.Services.GetService<OpenTelemetry.Metrics.MeterProvider>().ShouldBeNull();
    }

    private static Task WriteSettingsAsync(string dataDirectory, object settings) =>
        File.WriteAllTextAsync(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(settings));
}
