using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class ConversationTests
{
    private static async Task<(RunningServer Server, QuestionExecutor Executor, string Id)> WaitingForAnswerAsync()
    {
        var executor = new QuestionExecutor();
        var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(executor));
        var id = (await ApiCalls.SubmitAsync(server.Client, "Call the endpoint")).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "awaiting_input");
        return (server, executor, id);
    }

    [Fact]
    public async Task PostMessage_AwaitingInputTask_AnswersResumesAndTheRunSeesQuestionAndAnswer()
    {
        var (server, executor, id) = await WaitingForAnswerAsync();
        await using var _ = server;

        using var listedBefore = await server.Client.GetAsync($"/api/v1/tasks/{id}/messages");
        using var answer = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/messages", new { text = "v2, please" });

        answer.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await ApiCalls.ReadJsonAsync(answer)).GetProperty("id").GetString().ShouldBe(id);
        var before = (await ApiCalls.ReadJsonAsync(listedBefore)).GetProperty("messages");
        before.GetArrayLength().ShouldBe(1);
        before[0].GetProperty("kind").GetString().ShouldBe("question");
        before[0].GetProperty("text").GetString().ShouldBe("Which endpoint, v1 or v2?");
        before[0].GetProperty("defaultAnswer").GetString().ShouldBe("go with v1");
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        lock (executor.Seen)
        {
            executor.Seen.Select(e => (e.Kind, e.Text)).ShouldBe([(TaskMessageKind.Question, "Which endpoint, v1 or v2?"), (TaskMessageKind.Answer, "v2, please")]);
            executor.Converses.ShouldAllBe(c => c);
        }
        var events = await ApiCalls.ReadJsonAsync(await server.Client.GetAsync($"/api/v1/tasks/{id}/events"));
        var types = events.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("task.question");
        types.ShouldContain("task.answered");
        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        task.GetProperty("attempts").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task PostMessage_HostileBodies_GetClearProblems()
    {
        var (server, _, id) = await WaitingForAnswerAsync();
        await using var _ = server;

        using var empty = await server.Client.PostAsync($"/api/v1/tasks/{id}/messages", ApiCalls.Json("""{"text":"   "}"""));
        using var missing = await server.Client.PostAsync($"/api/v1/tasks/{id}/messages", ApiCalls.Json("{}"));
        using var noBody = await server.Client.PostAsync($"/api/v1/tasks/{id}/messages", null);
        using var malformed = await server.Client.PostAsync($"/api/v1/tasks/{id}/messages", ApiCalls.Json("""{"text": "unterminated"""));
        using var wrongType = await server.Client.PostAsync($"/api/v1/tasks/{id}/messages", ApiCalls.Json("""{"text": 42}"""));
        using var control = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/messages", new { text = "ring \u0007 the bell" });
        using var oversized = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/messages", new { text = new string('x', TaskMessage.MaxTextLength + 1) });
        using var unknown = await server.Client.PostAsJsonAsync("/api/v1/tasks/t_00000000000000000000000000/messages", new { text = "hi" });
        using var injected = await server.Client.PostAsJsonAsync("/api/v1/tasks/..%2f..%2fetc/messages", new { text = "hi" });
        using var unknownList = await server.Client.GetAsync("/api/v1/tasks/t_00000000000000000000000000/messages");

        (await ApiCalls.ShouldBeProblemAsync(empty, HttpStatusCode.BadRequest)).GetRawText().ShouldContain("text");
        (await ApiCalls.ShouldBeProblemAsync(missing, HttpStatusCode.BadRequest)).GetRawText().ShouldContain("text");
        await ApiCalls.ShouldBeProblemAsync(noBody, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(malformed, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(wrongType, HttpStatusCode.BadRequest);
        (await ApiCalls.ShouldBeProblemAsync(control, HttpStatusCode.BadRequest)).GetRawText().ShouldContain("control characters");
        (await ApiCalls.ShouldBeProblemAsync(oversized, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString()!.ShouldContain($"at most {TaskMessage.MaxTextLength}");
        await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(injected, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(unknownList, HttpStatusCode.NotFound);
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("awaiting_input");
        (await ApiCalls.ReadJsonAsync(await server.Client.GetAsync($"/api/v1/tasks/{id}/messages"))).GetProperty("messages").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task PostMessage_EndedTask_IsAConflictSayingWhatToDo()
    {
        var (server, _, id) = await WaitingForAnswerAsync();
        await using var _ = server;
        using var cancel = await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null);
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var late = await server.Client.PostAsJsonAsync($"/api/v1/tasks/{id}/messages", new { text = "v2" });

        var problem = await ApiCalls.ShouldBeProblemAsync(late, HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain("submit a new task");
    }
}
