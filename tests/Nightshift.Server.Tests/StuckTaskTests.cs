using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Workers;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>The worker's own bounds on an attempt: a task stuck anywhere is reclaimed, whether or not its executor cooperates.</summary>
public sealed class StuckTaskTests
{
    private static Task<RunningServer> StartAsync(
        ITaskExecutor executor,
        Action<WorkerSettings> worker,
        Action<Hosting.NightshiftServerOptions>? server = null,
        string? dataDirectory = null) =>
        RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = true;
                o.WorkerSlots = 1;
                o.LeaseDuration = TimeSpan.FromMinutes(10);
                o.ShutdownTimeout = TimeSpan.FromSeconds(1);
                server?.Invoke(o);
            },
            s =>
            {
                s.AddSingleton(executor);
                s.Configure(worker);
                s.Configure<StoreOptions>(store =>
                {
                    store.RetryBaseDelay = TimeSpan.Zero;
                    store.RetryMaxDelay = TimeSpan.Zero;
                });
            },
            dataDirectory);

    private static async Task<string> SubmitAsync(HttpClient client, int maxAttempts = 3, string instruction = "Hang somewhere")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction, maxAttempts });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await ApiCalls.ReadJsonAsync(response)).GetProperty("id").GetString()!;
    }

    internal static async Task<List<JsonElement>> EventsAsync(HttpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return [.. (await ApiCalls.ReadJsonAsync(response)).EnumerateArray()];
    }

    private static async Task<bool> HasEventAsync(HttpClient client, string id, string type) =>
        (await EventsAsync(client, id)).Any(e => e.GetProperty("type").GetString() == type);

    [Fact]
    public async Task Deadline_ExecutorBlockedInAnUncancellableRead_EndsTimedOutWithItsPhaseAndFreesTheSlot()
    {
        using var hang = new FifoHangExecutor();
        await using var server = await StartAsync(hang, w =>
        {
            w.TaskDeadline = TimeSpan.FromSeconds(1);
            w.StopGrace = TimeSpan.FromMilliseconds(200);
        });
        var first = await SubmitAsync(server.Client);

        await ApiCalls.WaitForStatusAsync(server.Client, first, "timed_out");

        var task = await ApiCalls.GetTaskAsync(server.Client, first);
        var error = task.GetProperty("lastError").GetString().ShouldNotBeNull();
        error.ShouldContain("Worker:TaskDeadline");
        error.ShouldContain("while planning");
        var last = (await EventsAsync(server.Client, first))[^1];
        last.GetProperty("type").GetString().ShouldBe("task.timed_out");
        last.GetProperty("data").GetProperty("phase").GetString().ShouldBe("planning");
        last.GetProperty("data").GetProperty("abandoned").GetBoolean().ShouldBeTrue();
        hang.Blocked.ShouldBe(1, "the worker stopped waiting while the read is still stuck");

        // The only slot is free again: the next task runs (and hangs the same way).
        var second = await SubmitAsync(server.Client, instruction: "Hang again");
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, second, "test.waiting"), "the next task runs in the freed slot");
        hang.Entered.ShouldBe(2);
    }

    [Theory]
    [InlineData("01:00:00", "00:00:00", "timed_out", "Worker:TaskDeadline")]
    [InlineData("02:00:00", "00:20:00", "dead", "Worker:StallTimeout")]
    public async Task Watch_ManualClockPassesTheBound_EndsTheAttemptWithoutWaitingForIt(string deadline, string stall, string status, string setting)
    {
        var clock = new TestKit.Time.ManualClock();
        // The store and the worker both read this clock; only its wall time is manual, so the watch still ticks.
        await using var clocked = await RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = true;
                o.WorkerSlots = 1;
                o.LeaseDuration = TimeSpan.FromDays(1);
                o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            },
            s =>
            {
                s.AddSingleton<ITaskExecutor>(new StubbornExecutor());
                s.AddSingleton<TimeProvider>(clock);
                s.Configure<WorkerSettings>(w =>
                {
                    w.TaskDeadline = TimeSpan.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture);
                    w.StallTimeout = TimeSpan.Parse(stall, System.Globalization.CultureInfo.InvariantCulture);
                    w.StopGrace = TimeSpan.Zero;
                });
            });
        var id = await SubmitAsync(clocked.Client, maxAttempts: 1);
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(clocked.Client, id, "test.waiting"), "the executor runs");
        (await ApiCalls.StatusAsync(clocked.Client, id)).ShouldBe("running");

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await ApiCalls.WaitForStatusAsync(clocked.Client, id, status);
        (await ApiCalls.GetTaskAsync(clocked.Client, id)).GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain(setting);
    }

    [Fact]
    public async Task Cancel_ExecutorIgnoringCancellation_EndsCancelledAfterTheGraceAndFreesTheSlot()
    {
        await using var server = await StartAsync(new StubbornExecutor(), w => w.StopGrace = TimeSpan.FromMilliseconds(300));
        var id = await SubmitAsync(server.Client);
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, id, "test.waiting"), "the executor runs");

        using var cancel = await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null);
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);

        await ApiCalls.WaitForStatusAsync(server.Client, id, "cancelled");
        (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("Worker:StopGrace");
        var next = await SubmitAsync(server.Client, instruction: "Next in line");
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, next, "test.waiting"), "the next task runs in the freed slot");
    }

    [Fact]
    public async Task Fence_AbandonedAttemptWakesUpLater_ItsRefWritesAndEventsAreRefused()
    {
        var executor = new LateWriterExecutor();
        await using var server = await StartAsync(executor, w => w.StopGrace = TimeSpan.FromMilliseconds(200));
        var id = await SubmitAsync(server.Client);
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, id, "test.waiting"), "the executor runs");
        (await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null)).Dispose();
        await ApiCalls.WaitForStatusAsync(server.Client, id, "cancelled");

        executor.Wake();
        var (fence, emit) = await executor.Attempted.Task.WaitAsync(TestDefaults.Timeout);

        fence.ShouldBeOfType<Core.Errors.LeaseLostException>();
        emit.ShouldBeOfType<Core.Errors.LeaseLostException>();
        (await HasEventAsync(server.Client, id, "test.late")).ShouldBeFalse();
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("cancelled");
    }

    [Fact]
    public async Task Stall_NoProgress_StopsRenewingTheLeaseSoTheSweepTakesTheTaskBack()
    {
        // The worker never gives up on the executor itself (an hour's grace): only the lease running out ends the attempt.
        await using var server = await StartAsync(
            new StubbornExecutor(),
            w =>
            {
                w.StallTimeout = TimeSpan.FromSeconds(1);
                w.StopGrace = TimeSpan.FromHours(1);
            },
            o => o.LeaseDuration = TimeSpan.FromSeconds(3));
        var id = await SubmitAsync(server.Client, maxAttempts: 1);
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, id, "test.waiting"), "the executor runs");

        await ApiCalls.WaitForStatusAsync(server.Client, id, "dead");

        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        task.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("stopped renewing its lease");
        task.GetProperty("attempts").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task PoisonTask_HangingEveryAttempt_EndsDeadAfterItsAttemptsWithEveryReason()
    {
        await using var server = await StartAsync(new StubbornExecutor(), w =>
        {
            w.StallTimeout = TimeSpan.FromSeconds(1);
            w.StopGrace = TimeSpan.FromMilliseconds(100);
        });
        var id = await SubmitAsync(server.Client, maxAttempts: 3);

        await ApiCalls.WaitForStatusAsync(server.Client, id, "dead");

        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        task.GetProperty("attempts").GetInt32().ShouldBe(3);
        var error = task.GetProperty("lastError").GetString().ShouldNotBeNull();
        error.ShouldContain("gave up after 3 of 3 attempts");
        foreach (var attempt in new[] { "attempt 1:", "attempt 2:", "attempt 3:" })
        {
            error.ShouldContain(attempt);
        }
        error.ShouldContain("Worker:StallTimeout");
        var dead = (await EventsAsync(server.Client, id))[^1];
        dead.GetProperty("type").GetString().ShouldBe("task.dead");
        var reasons = dead.GetProperty("data").GetProperty("attempts").EnumerateArray().ToList();
        reasons.Select(r => r.GetProperty("attempt").GetInt32()).ShouldBe([1, 2, 3]);
        reasons.ShouldAllBe(r => r.GetProperty("reason").GetString()!.Contains("made no progress"));
    }

    [Fact]
    public async Task Shutdown_ExecutorIgnoringIt_CountsTheAttemptInsteadOfHandingItBack()
    {
        using var data = new TempDirectory();
        string id;
        await using (var server = await StartAsync(new StubbornExecutor(), _ => { }, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300), data.Path))
        {
            id = await SubmitAsync(server.Client, maxAttempts: 1);
            await TestDefaults.WaitUntilAsync(() => HasEventAsync(server.Client, id, "test.waiting"), "the executor runs");
        }

        await using var after = await RunningServer.StartAsync(dataDirectory: data.Path);
        var task = await ApiCalls.GetTaskAsync(after.Client, id);
        task.GetProperty("status").GetString().ShouldBe("dead");
        task.GetProperty("attempts").GetInt32().ShouldBe(1);
        task.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("shutdown bound");
        (await HasEventAsync(after.Client, id, "task.released")).ShouldBeFalse();
    }
}
