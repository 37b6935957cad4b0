using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class ApprovalTests
{
    private static async Task<(RunningServer Server, ApprovalExecutor Executor, string Id)> WaitingTaskAsync()
    {
        var executor = new ApprovalExecutor();
        var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(executor));
        using var submit = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Plan first", requirePlanApproval = true });
        submit.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ApiCalls.ReadJsonAsync(submit)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "awaiting_approval");
        return (server, executor, id);
    }

    [Fact]
    public async Task Approve_WithReplacementPlan_QueuesTheTaskWhichRunsWithThatPlan()
    {
        var (server, executor, id) = await WaitingTaskAsync();
        await using var _ = server;
        (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("plan").GetString()!.ShouldContain("proposed");

        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json("""{"plan":{"subtasks":[{"id":"edited","title":"Edited by a person","description":"The plan as a person rewrote it"}]}}"""));

        approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        lock (executor.PlansSeen)
        {
            executor.PlansSeen.Count.ShouldBe(2);
            JsonDocument.Parse(executor.PlansSeen[1]!).RootElement.GetProperty("subtasks")[0].GetProperty("id").GetString().ShouldBe("edited");
        }
    }

    [Fact]
    public async Task Reject_WithReason_CancelsTheTaskAndKeepsTheReason()
    {
        var (server, _, id) = await WaitingTaskAsync();
        await using var __ = server;

        using var reject = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/reject", new { reason = "touches the billing code" });
        using var approveAfter = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", null);

        reject.StatusCode.ShouldBe(HttpStatusCode.OK);
        var task = await ApiCalls.ReadJsonAsync(reject);
        task.GetProperty("status").GetString().ShouldBe("cancelled");
        task.GetRawText().ShouldContain("touches the billing code");
        await ApiCalls.ShouldBeProblemAsync(approveAfter, HttpStatusCode.Conflict);
    }
}
