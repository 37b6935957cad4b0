using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class TasksApiTests
{
    [Fact]
    public async Task PostTasks_ValidBody_Returns201WithQueuedTaskInWireShape()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new
        {
            repo = "https://github.com/example/app",
            instruction = "Add a --verbose flag\nand document it",
            priority = 5,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var task = await ApiCalls.ReadJsonAsync(response);
        var id = task.GetProperty("id").GetString()!;
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/tasks/{id}");
        task.GetProperty("status").GetString().ShouldBe("queued");
        task.GetProperty("phase").GetString().ShouldBe("none");
        task.GetProperty("title").GetString().ShouldBe("Add a --verbose flag");
        task.GetProperty("priority").GetInt32().ShouldBe(5);
        task.GetProperty("usage").GetProperty("inputTokens").GetInt64().ShouldBe(0);

        var fetched = await ApiCalls.GetTaskAsync(server.Client, id);
        fetched.GetProperty("instruction").GetString().ShouldBe("Add a --verbose flag\nand document it");
    }

    [Fact]
    public async Task PostTasks_SameIdempotencyKeyInBodyOrHeader_Returns200WithTheFirstTask()
    {
        await using var server = await RunningServer.StartAsync();
        var first = await ApiCalls.SubmitAsync(server.Client, idempotencyKey: "deploy-42");

        using var again = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Fix the flaky test", idempotencyKey = "deploy-42" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tasks")
        {
            Content = ApiCalls.Json("""{"repo":"https://github.com/example/app","instruction":"Fix the flaky test"}"""),
        };
        request.Headers.Add("Idempotency-Key", "deploy-42");
        using var viaHeader = await server.Client.SendAsync(request);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        viaHeader.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(again)).GetProperty("id").GetString().ShouldBe(first.GetProperty("id").GetString());
        (await ApiCalls.ReadJsonAsync(viaHeader)).GetProperty("id").GetString().ShouldBe(first.GetProperty("id").GetString());
        (await ApiCalls.ListIdsAsync(server.Client)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetTasks_FilterAndCursor_PagesNewestFirstWithoutOverlap()
    {
        await using var server = await RunningServer.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await ApiCalls.SubmitAsync(server.Client, $"task {i}")).GetProperty("id").GetString()!);
        }
        await ApiCalls.SubmitAsync(server.Client, "elsewhere", repo: "https://github.com/example/other");

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var path = "/api/v1/tasks?status=queued&repo=https://github.com/example/app&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await server.Client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = await ApiCalls.ReadJsonAsync(response);
            page.GetProperty("items").GetArrayLength().ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        seen.ShouldBe(Enumerable.Reverse(ids).ToList());
    }

    [Fact]
    public async Task CancelThenRetry_QueuedTask_MovesThroughCancelledBackToQueued()
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var cancel = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/cancel", new { reason = "wrong repository" });
        using var cancelAgain = await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null);
        using var retry = await server.Client.PostAsync($"/api/v1/tasks/{id}/retry", null);

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(cancel)).GetProperty("status").GetString().ShouldBe("cancelled");
        var conflict = await ApiCalls.ShouldBeProblemAsync(cancelAgain, HttpStatusCode.Conflict);
        conflict.GetProperty("detail").GetString()!.ShouldContain("cancelled");
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(retry)).GetProperty("status").GetString().ShouldBe("queued");
    }

    [Fact]
    public async Task ApproveAndReject_TaskNotWaitingForApproval_Return409Problems()
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var approve = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/approve", new { plan = new { subtasks = new[] { new { id = "only", title = "Only", description = "The whole task" } } } });
        using var reject = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/reject", new { reason = "not now" });
        using var badPlan = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json("""{"plan":"do it"}"""));

        await ApiCalls.ShouldBeProblemAsync(approve, HttpStatusCode.Conflict);
        await ApiCalls.ShouldBeProblemAsync(reject, HttpStatusCode.Conflict);
        var problem = await ApiCalls.ShouldBeProblemAsync(badPlan, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("plan").EnumerateArray().First().GetString()!.ShouldContain("JSON object");
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("queued");
    }

    [Fact]
    public async Task GetDiff_TaskWithoutChange_Returns409SayingThereIsNoChangeYet()
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await server.Client.GetAsync($"/api/v1/tasks/{id}/diff");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Conflict);
        problem.GetProperty("title").GetString().ShouldBe("this task has no change yet");
    }

    [Fact]
    public async Task GetPullRequest_TaskWithoutOne_Returns409SayingThereIsNoChangeYet()
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await server.Client.GetAsync($"/api/v1/tasks/{id}/pull-request");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain("pull request is opened");
    }

    [Fact]
    public async Task GetPullRequestAndDiff_TaskPublished_ServeWhatTheWorkerStored()
    {
        await using var server = await RunningServer.StartAsync(
            o => o.RunWorker = true,
            s => s.AddSingleton<ITaskExecutor>(new PullRequestExecutor()));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");

        using var diff = await server.Client.GetAsync($"/api/v1/tasks/{id}/diff");
        var pull = await ApiCalls.ReadJsonAsync(await server.Client.GetAsync($"/api/v1/tasks/{id}/pull-request"));

        diff.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await diff.Content.ReadAsStringAsync()).ShouldBe(PullRequestExecutor.Diff);
        pull.GetProperty("reference").GetString().ShouldBe($"local:{id}");
        pull.GetProperty("title").GetString().ShouldBe("Say hello");
        pull.GetProperty("body").GetString()!.ShouldContain("Says hello.");
        pull.GetProperty("diffBytes").GetInt64().ShouldBe(PullRequestExecutor.Diff.Length);
        pull.GetProperty("diffCut").GetBoolean().ShouldBeFalse();
        pull.TryGetProperty("diff", out _).ShouldBeFalse("the diff has a route of its own");
    }

    [Fact]
    public async Task HealthAndOpenApi_WithoutToken_AreServed_WhileMetricsNeedsTheToken()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.CreateClient(token: null);

        using var health = await anonymous.GetAsync("/health");
        using var openApi = await anonymous.GetAsync("/openapi/v1.json");
        using var metricsRefused = await anonymous.GetAsync("/metrics");
        using var metrics = await server.Client.GetAsync("/metrics");

        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(health)).GetProperty("status").GetString().ShouldBe("ok");
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = await ApiCalls.ReadJsonAsync(openApi);
        document.GetProperty("paths").TryGetProperty("/api/v1/tasks", out _).ShouldBeTrue();
        document.GetProperty("paths").TryGetProperty("/api/v1/tasks/{id}/events", out _).ShouldBeTrue();
        await ApiCalls.ShouldBeProblemAsync(metricsRefused, HttpStatusCode.Unauthorized);
        metrics.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await metrics.Content.ReadAsStringAsync();
        text.ShouldContain("nightshift_sse_clients 0");
        text.ShouldContain("nightshift_events_appended_total");
    }
}
