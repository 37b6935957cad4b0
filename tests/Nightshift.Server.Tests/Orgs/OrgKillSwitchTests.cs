using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests.Orgs;

/// <summary>The kill switch on the real server and worker, with an executor that works until it is cancelled.</summary>
public sealed class OrgKillSwitchTests
{
    private static async Task<string> SubmitAsync(RunningServer server, string orgId, string instruction) =>
        (await server.Store.SubmitAsync(new NewTask
        {
            Repo = "https://github.com/example/app",
            Instruction = instruction,
            Source = "api",
            OrgId = orgId,
        }.Validated())).Task.Id;

    // Through the store: the task routes show a caller only its own organisation's tasks.
    private static async Task<TaskState?> StatusAsync(RunningServer server, string id) => (await server.Store.FindAsync(id))?.Status;

    private static Task WaitForAsync(RunningServer server, string id, TaskState state) =>
        TestDefaults.WaitUntilAsync(async () => await StatusAsync(server, id) == state, $"task {id} is {state}");

    private static async Task CreateOrgAsync(RunningServer server, string id)
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/orgs", new { id, name = id });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Kill_CancelsTheOrgsRunningAndQueuedTasks_AndLeavesAnotherOrgsAlone()
    {
        var executor = new UntilCancelledExecutor();
        await using var server = await RunningServer.StartAsync(
            o => { o.RunWorker = true; o.WorkerSlots = 1; },
            services => services.AddSingleton<ITaskExecutor>(executor));
        await CreateOrgAsync(server, "acme");
        await CreateOrgAsync(server, "globex");
        var running = await SubmitAsync(server, "acme", "works until stopped");
        await WaitForAsync(server, running, TaskState.Running);
        var queued = await SubmitAsync(server, "acme", "waits for the slot");
        var other = await SubmitAsync(server, "globex", "another organisation's work");

        using var response = await server.Client.PostAsJsonAsync("/api/v1/orgs/acme/kill", new { reason = "runaway spend" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await ApiCalls.ReadJsonAsync(response);
        body.GetProperty("orgId").GetString().ShouldBe("acme");
        body.GetProperty("cancelled").EnumerateArray().Select(e => e.GetString()).ShouldBe([queued]);
        body.GetProperty("stopping").EnumerateArray().Select(e => e.GetString()).ShouldBe([running]);
        await WaitForAsync(server, running, TaskState.Cancelled);
        (await StatusAsync(server, queued)).ShouldBe(TaskState.Cancelled);
        // The slot the running task held goes to the other organisation's task, which nobody stopped.
        await WaitForAsync(server, other, TaskState.Running);
        var asked = (await server.Store.ReadEventsAsync(running, 0)).Single(e => e.Type == EventTypes.TaskCancelRequested);
        asked.Data.ShouldContain("kill switch of organisation acme");
        asked.Data.ShouldContain("runaway spend");
        var cancelled = (await server.Store.ReadEventsAsync(queued, 0)).Single(e => e.Type == EventTypes.TaskCancelled);
        cancelled.Data.ShouldContain("runaway spend");
    }

    [Fact]
    public async Task Kill_NothingToStop_AnswersEmptyLists()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateOrgAsync(server, "acme");
        var finished = await SubmitAsync(server, "acme", "ends before the switch");
        await server.Store.CancelAsync(finished, "done with it");

        using var response = await server.Client.PostAsJsonAsync("/api/v1/orgs/acme/kill", new { reason = "drill" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ApiCalls.ReadJsonAsync(response);
        body.GetProperty("cancelled").GetArrayLength().ShouldBe(0);
        body.GetProperty("stopping").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"reason":"  "}""")]
    [InlineData("""{"reason":"x","cancelled":["t_1"]}""")]
    public async Task Kill_WithoutAUsableReason_Answers400AndCancelsNothing(string body)
    {
        await using var server = await RunningServer.StartAsync();
        await CreateOrgAsync(server, "acme");
        var waiting = await SubmitAsync(server, "acme", "must survive a bad request");

        using var response = await server.Client.PostAsync("/api/v1/orgs/acme/kill", body.Length == 0 ? null : ApiCalls.Json(body));

        ((int)response.StatusCode).ShouldBeOneOf(400, 415);
        (await StatusAsync(server, waiting)).ShouldBe(TaskState.Queued);
    }
}
