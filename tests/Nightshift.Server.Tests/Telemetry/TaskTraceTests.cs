using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Core.Telemetry;
using Nightshift.Models;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Nightshift.Server.Tests.Telemetry;

/// <summary>
/// One real task through the real server and worker (the real agent, a scripted model behind the real model pipeline,
/// real git and the real sandbox), seen through the OpenTelemetry SDK's in-memory exporters.
/// </summary>
public sealed class TaskTraceTests : IAsyncLifetime
{
    private readonly LockedCollection<Activity> _spans = new();
    private readonly LockedCollection<MetricSnapshot> _metrics = new();
    private TracerProvider _tracing = null!;
    private MeterProvider _meters = null!;

    public Task InitializeAsync()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(NightshiftTelemetry.ActivitySourceName, ChatClientFactory.TelemetrySourceName)
            .AddInMemoryExporter(_spans)
            .Build()!;
        _meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(NightshiftTelemetry.MeterName)
            .AddInMemoryExporter(_metrics)
            .Build()!;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _tracing.Dispose();
        _meters.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Worker_OneTaskWithAScriptedModel_IsOneTraceWithPhaseModelToolAndCommandSpans_AndRecordsMetrics()
    {
        await using var model = await ScriptedModelServer.StartAsync();
        model.Enqueue(
            ScriptedReply.ToolCall("write_file", new { path = "hello.txt", content = "hello\n" }).WithUsage(120, 30),
            ScriptedReply.ToolCall("finish", new { summary = "Wrote hello.txt" }).WithUsage(160, 10));
        model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Done" });
        using var repo = TempGitRepo.Create();
        repo.Commit("start", ("README.md", "# app\n"), (".nightshift.yml", "test: test -f README.md\nnetwork: off\n"));
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Models = new
            {
                Model = "openai-compatible/traced-model",
                OpenAICompatibleBaseUrl = model.OpenAIBaseUri.ToString(),
                OpenAICompatibleApiKey = "fake-trace-key-0123456789",
                Prices = new Dictionary<string, object> { ["traced-model"] = new { InputPerMillion = 1.0, CachedInputPerMillion = 0.5, OutputPerMillion = 2.0 } },
            },
            Repositories = new { AllowedRoots = new[] { repo.Root } },
        }));
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, dataDirectory: data.Path);

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = repo.RemotePath, instruction = "Write hello.txt" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ApiCalls.ReadJsonAsync(response)).GetProperty("id").GetString()!;
        await TestDefaults.WaitUntilAsync(
            async () => await ApiCalls.StatusAsync(server.Client, id) is "succeeded" or "failed" or "needs_review" or "dead",
            "the task ended", TimeSpan.FromMinutes(2));
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("succeeded");
        // The root span ends just after the end is written: wait for it rather than for the status.
        await TestDefaults.WaitUntilAsync(() => Root(id) is not null, "the task's root span was exported");

        var root = Root(id)!;
        root.ParentSpanId.ShouldBe(default);
        root.GetTagItem(NightshiftActivities.OutcomeTag).ShouldBe("succeeded");
        root.GetTagItem(NightshiftActivities.RepoTag).ShouldBe(repo.RemotePath);
        var trace = _spans.Snapshot().Where(s => s.TraceId == root.TraceId).ToList();
        var names = trace.Select(s => s.DisplayName).ToHashSet();
        new[] {
            NightshiftActivities.TaskRun, NightshiftActivities.Workspace, NightshiftActivities.Prepare, NightshiftActivities.Plan,
            NightshiftActivities.Build, NightshiftActivities.Verify, NightshiftActivities.Publish, "execute_tool write_file", "execute_tool finish",
            NightshiftActivities.Command }.ShouldBeSubsetOf(names);
        // Every span of the task hangs from its one root: a single trace, not one per phase.
        trace.Where(s => s != root).ShouldAllBe(s => s.ParentSpanId != default);
        _spans.Snapshot().Where(s => s.GetTagItem(NightshiftActivities.TaskIdTag) as string == id).ShouldHaveSingleItem();

        var chats = trace.Where(s => s.Source.Name == ChatClientFactory.TelemetrySourceName).ToList();
        chats.Count.ShouldBeGreaterThanOrEqualTo(2);
        var first = chats.OrderBy(s => s.StartTimeUtc).First();
        Convert.ToInt64(first.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(120);
        Convert.ToInt64(first.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(30);
        ((double)first.GetTagItem(NightshiftActivities.CostTag)!).ShouldBe((120 * 1.0 + 30 * 2.0) / 1_000_000, 1e-12);
        // The prompt and the key stay out of spans.
        chats.SelectMany(s => s.TagObjects).ShouldAllBe(t => !(t.Value is string && ((string)t.Value!).Contains("fake-trace-key", StringComparison.Ordinal)));

        var command = trace.First(s => s.DisplayName == NightshiftActivities.Command && s.GetTagItem(NightshiftActivities.ExecutableTag) as string == "test");
        command.GetTagItem(NightshiftActivities.ExitCodeTag).ShouldBe(0);
        command.TagObjects.ShouldAllBe(t => !(t.Value is string && ((string)t.Value!).Contains("README", StringComparison.Ordinal)));

        _meters.ForceFlush().ShouldBeTrue();
        var metrics = _metrics.Snapshot();
        Points(metrics, "nightshift.task.duration").ShouldContain(p => Tag(p, "outcome") == "succeeded" && p.GetHistogramCount() >= 1);
        Points(metrics, "nightshift.task.claim.latency").ShouldContain(p => p.GetHistogramCount() >= 1);
        Points(metrics, "nightshift.model.tokens").ShouldContain(p => Tag(p, "model") == "openai-compatible/traced-model" && Tag(p, "type") == "input" && p.GetSumLong() >= 280);
        Points(metrics, "nightshift.model.cost").ShouldContain(p => Tag(p, "model") == "openai-compatible/traced-model" && p.GetSumDouble() > 0);
    }

    private Activity? Root(string taskId) =>
        _spans.Snapshot().FirstOrDefault(s => s.DisplayName == NightshiftActivities.TaskRun && s.GetTagItem(NightshiftActivities.TaskIdTag) as string == taskId);

    private static List<MetricPoint> Points(List<MetricSnapshot> metrics, string name) =>
        [.. metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints)];

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }
        return null;
    }
}
