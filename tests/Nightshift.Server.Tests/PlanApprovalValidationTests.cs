using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>An edited plan sent with approve is checked like one from the plan agent before the store keeps it.</summary>
public sealed class PlanApprovalValidationTests
{
    [Fact]
    public async Task Approve_EditedPlanWithBrokenSubtasks_Returns400ListingEveryProblemAndTheTaskKeepsWaiting()
    {
        var (server, id) = await WaitingTaskAsync();
        await using var _ = server;

        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json(
            """{"plan":{"subtasks":[{"id":"Bad Id","title":"x","description":"y"},{"id":"b","title":"b","description":"b","depends_on":["ghost"]}]}}"""));

        var problem = await ApiCalls.ShouldBeProblemAsync(approve, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").GetProperty("plan").EnumerateArray().Select(e => e.GetString()!).ToList();
        errors.ShouldContain(e => e.Contains("is not a short slug", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'ghost' is not the id of any subtask", StringComparison.Ordinal));
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("awaiting_approval");
        (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("plan").GetString().ShouldBe(ApprovalExecutor.ProposedPlan);
    }

    [Fact]
    public async Task Approve_EditedPlanWithACycle_Returns400NamingTheCycle()
    {
        var (server, id) = await WaitingTaskAsync();
        await using var _ = server;

        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json(
            """{"plan":{"subtasks":[{"id":"a","title":"A","description":"a","depends_on":["b"]},{"id":"b","title":"B","description":"b","depends_on":["a"]}]}}"""));

        var problem = await ApiCalls.ShouldBeProblemAsync(approve, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("a → b → a");
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("awaiting_approval");
    }

    [Fact]
    public async Task Approve_EditedPlanWithHostileText_Returns400()
    {
        var (server, id) = await WaitingTaskAsync();
        await using var _ = server;

        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json(
            """{"plan":{"subtasks":[{"id":"a","title":"evil\u202Etitle","description":"a\u0000b"}],"extra":1}}"""));

        var problem = await ApiCalls.ShouldBeProblemAsync(approve, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").GetProperty("plan").EnumerateArray().Select(e => e.GetString()!).ToList();
        errors.ShouldContain(e => e.Contains("direction-override", StringComparison.Ordinal) && e.Contains("title", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'extra' is not a field of a plan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_ValidEditedPlan_IsStoredAndTheTaskRunsWithIt()
    {
        var (server, id) = await WaitingTaskAsync();
        await using var _ = server;
        const string Edited = """{"subtasks":[{"id":"only-step","title":"Do it","description":"The whole change."}]}""";

        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json($$"""{"plan":{{Edited}}}"""));

        approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        (await ApiCalls.GetTaskAsync(server.Client, id)).GetProperty("plan").GetString().ShouldNotBeNull().ShouldContain("only-step");
    }

    private static async Task<(RunningServer Server, string Id)> WaitingTaskAsync()
    {
        var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(new ApprovalExecutor()));
        using var submit = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Plan first", requirePlanApproval = true });
        submit.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ApiCalls.ReadJsonAsync(submit)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "awaiting_approval");
        return (server, id);
    }
}
