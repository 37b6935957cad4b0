using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Streaming;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Streaming;

public sealed class StreamTests
{
    private const string RepoA = "https://github.com/example/app";
    private const string RepoB = "https://github.com/example/other";

    internal static Task<RunningServer> StartAsync(HeldExecutor? executor = null, Action<StreamOptions>? stream = null, int slots = 4) =>
        RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = executor is not null;
                o.WorkerSlots = slots;
            },
            s =>
            {
                if (executor is not null)
                {
                    s.AddSingleton<ITaskExecutor>(executor);
                }
                s.Configure<StreamOptions>(o => stream?.Invoke(o));
            });

    internal static async Task<string> SubmitAsync(RunningServer server, string repo = RepoA) =>
        (await ApiCalls.SubmitAsync(server.Client, repo: repo)).GetProperty("id").GetString()!;

    internal static Task EmitAsync(ITaskRun run, int n) =>
        run.EmitAsync("tool.call", $$$"""{"n":{{{n}}}}""");

    [Fact]
    public async Task Stream_TwoTasksOneResumedFromASeq_DeliversBothInOrderWithoutGapOrDuplicate()
    {
        var executor = new HeldExecutor();
        await using var server = await StartAsync(executor);
        var first = await SubmitAsync(server);
        var second = await SubmitAsync(server);
        var firstRun = await executor.StartedAsync(first);
        var secondRun = await executor.StartedAsync(second);
        for (var i = 1; i <= 3; i++)
        {
            await EmitAsync(firstRun, i);
            await EmitAsync(secondRun, i);
        }
        var firstHistory = (await server.Store.ReadEventsAsync(first, 0)).Select(e => e.Sequence).ToList();

        await using var client = await StreamClient.ConnectAsync(server);
        await client.SendAsync($$$"""{"op":"subscribe","id":"s1","tasks":{"{{{first}}}":3,"{{{second}}}":0}}""");
        var subscribed = await client.ReceiveTypeAsync("subscribed");
        for (var i = 4; i <= 6; i++)
        {
            await EmitAsync(firstRun, i);
            await EmitAsync(secondRun, i);
        }
        executor.Finish(first);
        executor.Finish(second);
        var received = await ReceiveUntilFinishedAsync(client, [first, second]);

        subscribed.GetProperty("id").GetString().ShouldBe("s1");
        subscribed.GetProperty("tasks").GetProperty(first).GetInt64().ShouldBe(3);
        subscribed.GetProperty("tasks").GetProperty(second).GetInt64().ShouldBe(0);
        var firstSeqs = received[first].Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var secondSeqs = received[second].Select(e => e.GetProperty("seq").GetInt64()).ToList();
        firstSeqs[0].ShouldBe(4);
        firstSeqs.ShouldBe(Enumerable.Range(4, firstSeqs.Count).Select(i => (long)i));
        secondSeqs.ShouldBe(Enumerable.Range(1, secondSeqs.Count).Select(i => (long)i));
        firstHistory.Count.ShouldBeGreaterThanOrEqualTo(3);
        received[first][^1].GetProperty("type").GetString().ShouldBe("task.succeeded");
        received[second][^1].GetProperty("type").GetString().ShouldBe("task.succeeded");
        var stored = await server.Store.ReadEventsAsync(second, 0);
        received[second].Select(e => e.GetProperty("type").GetString()).ShouldBe(stored.Select(e => e.Type));
        foreach (var e in received[second])
        {
            e.GetProperty("taskId").GetString().ShouldBe(second);
            e.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Object);
            DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UnixEpoch);
        }
    }

    [Fact]
    public async Task Stream_ReconnectWithTheLastSeqReceived_GetsExactlyTheRest()
    {
        var executor = new HeldExecutor();
        await using var server = await StartAsync(executor);
        var id = await SubmitAsync(server);
        var run = await executor.StartedAsync(id);
        await EmitAsync(run, 1);

        long last;
        await using (var before = await StreamClient.ConnectAsync(server))
        {
            await before.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{id}}}":0}}""");
            await before.ReceiveTypeAsync("subscribed");
            var seen = await ReceiveEventsAsync(before, id, until: e => e.GetProperty("type").GetString() == "tool.call");
            last = seen[^1].GetProperty("seq").GetInt64();
        }
        await EmitAsync(run, 2);
        await EmitAsync(run, 3);
        executor.Finish(id);
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");

        await using var after = await StreamClient.ConnectAsync(server);
        await after.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{id}}}":{{{last}}}}}""");
        await after.ReceiveTypeAsync("subscribed");
        var rest = (await ReceiveUntilFinishedAsync(after, [id]))[id];

        var stored = await server.Store.ReadEventsAsync(id, last);
        rest.Select(e => e.GetProperty("seq").GetInt64()).ShouldBe(stored.Select(e => e.Sequence));
        rest[0].GetProperty("seq").GetInt64().ShouldBe(last + 1);
        rest.Count(e => e.GetProperty("type").GetString() == "tool.call").ShouldBe(2);
    }

    [Fact]
    public async Task Stream_RepositorySubscription_SeesANewTaskOfThatRepositoryAndNotAnotherRepositorys()
    {
        await using var server = await StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);
        await client.SendAsync($$$"""{"op":"subscribe","repository":" {{{RepoA}}} "}""");
        var subscribed = await client.ReceiveTypeAsync("subscribed");

        var other = await SubmitAsync(server, RepoB);
        var mine = await SubmitAsync(server, RepoA);
        var queued = await client.ReceiveTypeAsync("event");
        (await server.Client.PostAsync($"/api/v1/tasks/{other}/cancel", null)).EnsureSuccessStatusCode();
        (await server.Client.PostAsync($"/api/v1/tasks/{mine}/cancel", null)).EnsureSuccessStatusCode();
        var cancelled = await client.ReceiveTypeAsync("event");
        var more = await client.RoundTripAsync();

        subscribed.GetProperty("repository").GetString().ShouldBe(RepoA);
        queued.GetProperty("event").GetProperty("taskId").GetString().ShouldBe(mine);
        queued.GetProperty("event").GetProperty("seq").GetInt64().ShouldBe(1);
        queued.GetProperty("event").GetProperty("type").GetString().ShouldBe("task.queued");
        cancelled.GetProperty("event").GetProperty("taskId").GetString().ShouldBe(mine);
        cancelled.GetProperty("event").GetProperty("type").GetString().ShouldBe("task.cancelled");
        more.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stream_AllSubscription_SeesEveryRepositoryButOnlyEventsFromTheMomentOfSubscribing()
    {
        await using var server = await StartAsync();
        var older = await SubmitAsync(server, RepoB);
        await using var client = await StreamClient.ConnectAsync(server);
        await client.SendAsync("""{"op":"subscribe","all":true}""");
        (await client.ReceiveTypeAsync("subscribed")).GetProperty("all").GetBoolean().ShouldBeTrue();

        (await server.Client.PostAsync($"/api/v1/tasks/{older}/cancel", null)).EnsureSuccessStatusCode();
        var cancelled = await client.ReceiveTypeAsync("event");
        var newer = await SubmitAsync(server, RepoA);
        var queued = await client.ReceiveTypeAsync("event");

        cancelled.GetProperty("event").GetProperty("taskId").GetString().ShouldBe(older);
        cancelled.GetProperty("event").GetProperty("seq").GetInt64().ShouldBe(2);
        cancelled.GetProperty("event").GetProperty("type").GetString().ShouldBe("task.cancelled");
        queued.GetProperty("event").GetProperty("taskId").GetString().ShouldBe(newer);
        queued.GetProperty("event").GetProperty("seq").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Stream_UnsubscribeFromATask_StopsItsEventsAndKeepsTheOthers()
    {
        await using var server = await StartAsync();
        var dropped = await SubmitAsync(server);
        var kept = await SubmitAsync(server);
        await using var client = await StreamClient.ConnectAsync(server);
        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{dropped}}}":1,"{{{kept}}}":1}}""");
        await client.ReceiveTypeAsync("subscribed");
        await client.SendAsync($$$"""{"op":"unsubscribe","tasks":["{{{dropped}}}"]}""");
        (await client.ReceiveTypeAsync("unsubscribed")).GetProperty("tasks").TryGetProperty(dropped, out _).ShouldBeTrue();

        (await server.Client.PostAsync($"/api/v1/tasks/{dropped}/cancel", null)).EnsureSuccessStatusCode();
        (await server.Client.PostAsync($"/api/v1/tasks/{kept}/cancel", null)).EnsureSuccessStatusCode();
        var next = await client.ReceiveTypeAsync("event");
        var more = await client.RoundTripAsync();

        next.GetProperty("event").GetProperty("taskId").GetString().ShouldBe(kept);
        more.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stream_FinishedTaskRetried_ResumesWhereItEndedWithoutRepeats()
    {
        await using var server = await StartAsync();
        var id = await SubmitAsync(server);
        await using var client = await StreamClient.ConnectAsync(server);
        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{id}}}":0}}""");
        await client.ReceiveTypeAsync("subscribed");
        (await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null)).EnsureSuccessStatusCode();
        var beforeRetry = await ReceiveEventsAsync(client, id, until: e => e.GetProperty("type").GetString() == "task.cancelled");

        (await server.Client.PostAsync($"/api/v1/tasks/{id}/retry", null)).EnsureSuccessStatusCode();
        var afterRetry = await client.ReceiveTypeAsync("event");

        beforeRetry.Select(e => e.GetProperty("seq").GetInt64()).ShouldBe([1L, 2L]);
        afterRetry.GetProperty("event").GetProperty("seq").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task Stream_ServerStopping_ClosesConnectionsWith1001()
    {
        var server = await StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);
        (await client.RoundTripAsync()).ShouldBeEmpty();

        var stopping = server.DisposeAsync().AsTask();
        var (status, reason) = await client.ReceiveCloseAsync();
        await stopping;

        status.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable);
        reason.ShouldBe("server stopping");
    }

    [Fact]
    public async Task Stream_Ping_AnswersPongWithTheId()
    {
        await using var server = await StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);

        await client.SendAsync("""{"op":"ping","id":42}""");
        var pong = await client.ReceiveTypeAsync("pong");

        pong.GetProperty("id").GetString().ShouldBe("42");
    }

    internal static async Task<List<JsonElement>> ReceiveEventsAsync(StreamClient client, string taskId, Func<JsonElement, bool> until)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var message = await client.ReceiveTypeAsync("event");
            var e = message.GetProperty("event");
            if (e.GetProperty("taskId").GetString() != taskId)
            {
                continue;
            }
            events.Add(e);
            if (until(e))
            {
                return events;
            }
        }
    }

    internal static async Task<Dictionary<string, List<JsonElement>>> ReceiveUntilFinishedAsync(StreamClient client, string[] taskIds)
    {
        var received = taskIds.ToDictionary(id => id, _ => new List<JsonElement>(), StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        while (finished.Count < taskIds.Length)
        {
            var e = (await client.ReceiveTypeAsync("event")).GetProperty("event");
            var id = e.GetProperty("taskId").GetString()!;
            received[id].Add(e);
            if (e.GetProperty("type").GetString() is "task.succeeded" or "task.failed" or "task.cancelled")
            {
                finished.Add(id);
            }
        }
        return received;
    }
}
