using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>Retries used up end in the visible dead letter, listed by status and retried from there.</summary>
public sealed class DeadLetterTests
{
    [Fact]
    public async Task Worker_EveryAttemptFails_EndsDeadWithEachReason_ListedByStatus_AndRetryRunsItAgain()
    {
        var executor = new ThrowingExecutor("the repository vanished mid-run");
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, s =>
        {
            s.AddSingleton<ITaskExecutor>(executor);
            s.Configure<StoreOptions>(store =>
            {
                store.RetryBaseDelay = TimeSpan.Zero;
                store.RetryMaxDelay = TimeSpan.Zero;
            });
        });
        using var submit = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Poison", maxAttempts = 2 });
        var id = (await ApiCalls.ReadJsonAsync(submit)).GetProperty("id").GetString()!;

        await ApiCalls.WaitForStatusAsync(server.Client, id, "dead");

        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        var error = task.GetProperty("lastError").GetString().ShouldNotBeNull();
        error.ShouldContain("gave up after 2 of 2 attempts");
        error.ShouldContain("attempt 1: the attempt failed: the repository vanished mid-run");
        error.ShouldContain("attempt 2: the attempt failed: the repository vanished mid-run");
        var listed = await server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/tasks?status=dead");
        listed.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe([id]);

        using var retry = await server.Client.PostAsync($"/api/v1/tasks/{id}/retry", null);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(retry)).GetProperty("status").GetString().ShouldBe("queued");
        await TestDefaults.WaitUntilAsync(
            async () => (await StuckTaskTests.EventsAsync(server.Client, id)).Count(e => e.GetProperty("type").GetString() == "task.started") >= 3,
            "the retried task runs again");
        await ApiCalls.WaitForStatusAsync(server.Client, id, "dead");
    }
}
