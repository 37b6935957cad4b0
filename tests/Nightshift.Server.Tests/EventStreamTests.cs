using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Metrics;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class EventStreamTests
{
    private static readonly string[] ScriptedTypes =
        ["task.queued", "task.started", "task.phase", "tool.call", "tool.call", "tool.call", "task.succeeded"];

    private static Task<RunningServer> StartWithAsync(ITaskExecutor executor) =>
        RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton(executor));

    [Fact]
    public async Task Events_SubmittedTask_StreamShowsQueuedThenTheWorkThenEnds()
    {
        await using var server = await StartWithAsync(new ScriptedExecutor(eventCount: 3));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = await SseReader.ReadAllAsync(response, TestDefaults.TimeoutToken());

        events.Select(e => e.Event).ShouldBe(ScriptedTypes);
        events.Select(e => e.Id).ShouldBe(Enumerable.Range(1, ScriptedTypes.Length).Select(i => (long)i));
        foreach (var e in events)
        {
            e.Data.ShouldNotContain("\n");
            var json = e.Json;
            json.GetProperty("seq").GetInt64().ShouldBe(e.Id);
            json.GetProperty("type").GetString().ShouldBe(e.Event);
            json.GetProperty("taskId").GetString().ShouldBe(id);
            DateTimeOffset.Parse(json.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UnixEpoch);
            json.GetProperty("data").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
        }
        events[3].Json.GetProperty("data").GetProperty("n").GetInt32().ShouldBe(1);
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("succeeded");
    }

    [Fact]
    public async Task Events_ReconnectWithLastEventId_ResumesWithNoGapAndNoDuplicate()
    {
        var executor = new ScriptedExecutor(eventCount: 5, gated: true);
        await using var server = await StartWithAsync(executor);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        var firstPart = new List<SseEvent>();
        using (var first = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken()))
        {
            await foreach (var e in SseReader.ReadAsync(first, TestDefaults.TimeoutToken()))
            {
                firstPart.Add(e);
                if (e.Event == "task.started")
                {
                    break;
                }
            }
        }
        executor.Open();
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");

        using var second = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", lastEventId: firstPart[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), TestDefaults.TimeoutToken());
        var rest = await SseReader.ReadAllAsync(second, TestDefaults.TimeoutToken());
        using var viaQuery = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events?after=6", cancellationToken: TestDefaults.TimeoutToken());
        var tail = await SseReader.ReadAllAsync(viaQuery, TestDefaults.TimeoutToken());

        firstPart.Select(e => e.Event).ShouldBe(["task.queued", "task.started"]);
        firstPart.Concat(rest).Select(e => e.Id).ShouldBe(Enumerable.Range(1, 9).Select(i => (long)i));
        rest[^1].Event.ShouldBe("task.succeeded");
        tail.Select(e => e.Id).ShouldBe([7L, 8L, 9L]);
    }

    [Fact]
    public async Task Events_HundredConcurrentClients_EachReceivesEveryEventInOrder()
    {
        const int clients = 100;
        var executor = new ScriptedExecutor(eventCount: 20, gated: true);
        await using var server = await StartWithAsync(executor);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        using var shared = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 10 })
        {
            BaseAddress = new Uri(server.Url),
            Timeout = TestDefaults.Timeout,
        };
        shared.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);

        var readers = Enumerable.Range(0, clients).Select(async _ =>
        {
            using var response = await SseReader.OpenAsync(shared, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken());
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return await SseReader.ReadAllAsync(response, TestDefaults.TimeoutToken());
        }).ToList();
        var metrics = server.App.Services.GetRequiredService<ServerMetrics>();
        await TestDefaults.WaitUntilAsync(() => metrics.SseClients == clients, "every client is connected");
        executor.Open();
        var received = await Task.WhenAll(readers);

        var expected = Enumerable.Range(1, 2 + 1 + 20 + 1).Select(i => (long)i).ToList();
        foreach (var events in received)
        {
            events.Select(e => e.Id).ShouldBe(expected);
            events[^1].Event.ShouldBe("task.succeeded");
        }
        await TestDefaults.WaitUntilAsync(() => metrics.SseClients == 0, "every stream is closed");
    }

    [Fact]
    public async Task Events_QuietStream_GetsHeartbeatComments()
    {
        await using var server = await RunningServer.StartAsync(services: s => s.Configure<Events.SseOptions>(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(50)));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestDefaults.TimeoutToken()) is { } line)
        {
            lines.Add(line);
            if (lines.Contains("event: task.queued") && lines.Exists(l => l.StartsWith(':')))
            {
                break;
            }
        }

        lines.ShouldContain("event: task.queued");
        lines.ShouldContain(": keepalive");
    }

    [Fact]
    public async Task Metrics_AfterATaskRan_CountItsEventsAndOutcome()
    {
        await using var server = await StartWithAsync(new ScriptedExecutor(eventCount: 3));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");

        var text = await server.Client.GetStringAsync("/metrics");

        text.ShouldContain("nightshift_tasks_submitted_total 1\n");
        text.ShouldContain("nightshift_tasks_started_total 1\n");
        text.ShouldContain("nightshift_tasks_running 0\n");
        text.ShouldContain("nightshift_tasks_finished_total{state=\"succeeded\"} 1\n");
        text.ShouldContain($"nightshift_events_appended_total {ScriptedTypes.Length}\n");
    }

    [Fact]
    public async Task Events_AcceptJson_ReturnsArrayPagedWithAfterAndLimit()
    {
        await using var server = await StartWithAsync(new ScriptedExecutor(eventCount: 3));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events?after=2&limit=3");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await server.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await ApiCalls.ReadJsonAsync(response);
        events.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ShouldBe([3L, 4L, 5L]);
        events[0].GetProperty("type").GetString().ShouldBe("task.phase");
        events[1].GetProperty("data").GetProperty("n").GetInt32().ShouldBe(1);
        events[1].GetProperty("taskId").GetString().ShouldBe(id);
    }
}
