using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Workers;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class WorkerTests
{
    private static Task<RunningServer> StartWithAsync(ITaskExecutor? executor, string? dataDirectory = null) =>
        RunningServer.StartAsync(o => o.RunWorker = true, s =>
        {
            if (executor is not null)
            {
                s.AddSingleton(executor);
            }
        }, dataDirectory);

    /// <summary>Heartbeats every 200 s: a cancel seen within a test's timeout can only have come from the event signal.</summary>
    private static Task<RunningServer> StartWithRareHeartbeatsAsync(ITaskExecutor executor) =>
        RunningServer.StartAsync(o =>
        {
            o.RunWorker = true;
            o.LeaseDuration = TimeSpan.FromMinutes(10);
        }, s => s.AddSingleton(executor));

    private static async Task<List<System.Text.Json.JsonElement>> EventsAsync(RunningServer server, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await server.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return [.. (await ApiCalls.ReadJsonAsync(response)).EnumerateArray()];
    }

    [Fact]
    public async Task Worker_AgentWithoutAModel_FailsTheTaskSayingHowToChooseOne()
    {
        await using var server = await StartWithAsync(executor: null);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        await ApiCalls.WaitForStatusAsync(server.Client, id, "failed");

        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        task.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("set NIGHTSHIFT_MODEL");
        (await EventsAsync(server, id)).Last().GetProperty("type").GetString().ShouldBe("task.failed");
    }

    [Fact]
    public async Task Worker_ExecutorThrows_RetriesWithTheMessageAndNoStackTrace()
    {
        var executor = new ThrowingExecutor("the repository vanished mid-run");
        await using var server = await StartWithAsync(executor);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        await TestDefaults.WaitUntilAsync(
            async () => (await EventsAsync(server, id)).Any(e => e.GetProperty("type").GetString() == "task.retrying"),
            "the failed attempt is announced as a retry");

        var retrying = (await EventsAsync(server, id)).First(e => e.GetProperty("type").GetString() == "task.retrying");
        var payload = retrying.GetProperty("data").GetRawText();
        payload.ShouldContain("the repository vanished mid-run");
        payload.ShouldNotContain(" at Nightshift.");
        payload.ShouldNotContain("InvalidOperationException");
    }

    [Fact]
    public async Task Worker_CancelWhileRunning_StopsTheExecutorAtOnceRatherThanAtTheNextHeartbeat_AndEndsCancelled()
    {
        var executor = new UntilCancelledExecutor();
        await using var server = await StartWithRareHeartbeatsAsync(executor);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await TestDefaults.WaitUntilAsync(() => executor.Running == 1, "the executor runs");

        using var cancel = await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null);
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);

        await ApiCalls.WaitForStatusAsync(server.Client, id, "cancelled");
        executor.Running.ShouldBe(0);
        var types = (await EventsAsync(server, id)).Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("task.cancel_requested");
        types[^1].ShouldBe("task.cancelled");
    }

    [Fact]
    public async Task Worker_RetriedAfterACancel_IsNotStoppedByTheOldRequest()
    {
        var executor = new UntilCancelledExecutor();
        await using var server = await StartWithRareHeartbeatsAsync(executor);
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await TestDefaults.WaitUntilAsync(() => executor.Running == 1, "the executor runs");
        (await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null)).Dispose();
        await ApiCalls.WaitForStatusAsync(server.Client, id, "cancelled");

        (await server.Client.PostAsync($"/api/v1/tasks/{id}/retry", null)).Dispose();
        await TestDefaults.WaitUntilAsync(() => executor.CheckpointsSeen.Count == 2 && executor.Running == 1, "the retried task runs again");
        await ApiCalls.WaitForStatusAsync(server.Client, id, "running");

        // The watch replays the log (old request included) as the attempt starts; the run must survive it.
        await TestDefaults.WaitUntilAsync(
            async () => (await EventsAsync(server, id)).Count(e => e.GetProperty("type").GetString() == "test.waiting") == 2,
            "the second attempt is under way");
        (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("status").GetString().ShouldBe("running");
        executor.Running.ShouldBe(1);
    }

    [Fact]
    public async Task BuildWorker_SeparateWorkerHost_RunsTasksSubmittedThroughTheApi()
    {
        await using var api = await RunningServer.StartAsync();
        var executor = new ScriptedExecutor(eventCount: 1);
        using var worker = Hosting.NightshiftHost.BuildWorker(
            new Hosting.NightshiftServerOptions
            {
                DataDirectory = api.DataDirectory,
                WorkerSlots = 1,
                PollInterval = TimeSpan.FromMilliseconds(200),
                WriteConsoleMessages = false,
            },
            s =>
            {
                s.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
                s.AddSingleton<ITaskExecutor>(executor);
            });
        await worker.StartAsync(TestDefaults.TimeoutToken());

        var id = (await ApiCalls.SubmitAsync(api.Client)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(api.Client, id, "succeeded");
        await worker.StopAsync(TestDefaults.TimeoutToken());

        executor.Started.ShouldBe(1);
        (await ApiCalls.GetTaskAsync(api.Client, id)).GetProperty("leaseOwner").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Worker_OneSlotAndAQueue_HandsEachTaskOverOnceAndHoldsNoLeaseAfterwards()
    {
        var executor = new ScriptedExecutor(eventCount: 1, gated: true);
        await using var server = await RunningServer.StartAsync(o =>
        {
            o.RunWorker = true;
            o.WorkerSlots = 1;
        }, s => s.AddSingleton<ITaskExecutor>(executor));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await ApiCalls.SubmitAsync(server.Client, $"queued behind a busy slot {i}")).GetProperty("id").GetString()!);
        }
        await TestDefaults.WaitUntilAsync(() => executor.Started == 1, "the only slot runs the first task");

        // Each finish now also claims the next task in the same round trip.
        executor.Open();
        foreach (var id in ids)
        {
            await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        }

        executor.Started.ShouldBe(5);
        foreach (var id in ids)
        {
            (await EventsAsync(server, id)).Count(e => e.GetProperty("type").GetString() == "task.started").ShouldBe(1, $"task {id} started once");
            (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("leaseOwner").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        }
        // The gauge drops just after the last finish commits, so it is awaited rather than read once.
        await TestDefaults.WaitUntilAsync(
            async () => (await server.Client.GetStringAsync("/metrics")).Contains("nightshift_tasks_running 0\n", StringComparison.Ordinal),
            "no task counts as running once the queue is empty");
    }

    [Fact]
    public async Task Restart_TasksQueuedWithoutWorker_AreAllThereAfterRestart_AndRunOnceAWorkerRuns()
    {
        using var data = new TempDirectory();
        var ids = new List<string>();
        await using (var first = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            for (var i = 0; i < 4; i++)
            {
                ids.Add((await ApiCalls.SubmitAsync(first.Client, $"queued before restart {i}")).GetProperty("id").GetString()!);
            }
        }

        var executor = new ScriptedExecutor(eventCount: 1);
        await using var second = await StartWithAsync(executor, data.Path);
        (await ApiCalls.ListIdsAsync(second.Client)).ShouldBe(Enumerable.Reverse(ids).ToList(), ignoreOrder: false);
        foreach (var id in ids)
        {
            await ApiCalls.WaitForStatusAsync(second.Client, id, "succeeded");
        }
        executor.Started.ShouldBe(4);
    }
}
