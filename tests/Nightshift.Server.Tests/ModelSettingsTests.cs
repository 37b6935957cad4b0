using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Models.Recording;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Server.Tests;

/// <summary>
/// The Models section of the server's configuration takes effect in the real host, and a model string a client
/// submits cannot make the worker read a file outside Models:ReplayDirectory.
/// </summary>
public sealed class ModelSettingsTests
{
    [Theory]
    [InlineData("replay//dev/zero")]
    [InlineData("replay/../../etc/passwd")]
    [InlineData("replay//etc/passwd")]
    [InlineData("replay/out.jsonl")]
    [InlineData("replay/etc/passwd")]
    [InlineData("replay/fifo.jsonl")]
    [InlineData("replay/missing.jsonl")]
    [InlineData("openai/gpt-4.1,replay//dev/zero")]
    public async Task PostTasks_ReplayCassetteOutsideTheReplayFolder_Returns400NamingTheSetting_AndStoresNothing(string model)
    {
        using var data = new TempDirectory();
        var replay = PrepareReplayFolder(data.Path);
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);

        // A FIFO opened for reading would block the request until a writer came: the answer must come at once.
        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "x", model })
            .WaitAsync(TestDefaults.Timeout);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors").GetProperty("model")[0].GetString()!;
        error.ShouldContain("Models:ReplayDirectory");
        error.ShouldContain(replay);
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("replay/ok.jsonl")]
    [InlineData("anthropic/claude-sonnet-4-5,replay/ok.jsonl")]
    public async Task PostTasks_ReplayCassetteInTheReplayFolder_IsQueued(string model)
    {
        using var data = new TempDirectory();
        PrepareReplayFolder(data.Path);
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "x", model });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ApiCalls.ReadJsonAsync(response)).GetProperty("model").GetString().ShouldBe(model);
    }

    [Fact]
    public async Task PostTasks_ReplayFolderConfiguredElsewhere_OnlyThatFolderIsRead()
    {
        using var data = new TempDirectory();
        PrepareReplayFolder(data.Path);
        var elsewhere = Path.Combine(data.Path, "cassettes");
        Directory.CreateDirectory(elsewhere);
        WriteCassette(Path.Combine(elsewhere, "mine.jsonl"));
        await WriteSettingsAsync(data.Path, new { Models = new { ReplayDirectory = elsewhere } });
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);

        using var inside = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "x", model = "replay/mine.jsonl" });
        using var outside = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "x", model = "replay/" + Path.Combine(data.Path, "replay", "ok.jsonl") });

        inside.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ApiCalls.ShouldBeProblemAsync(outside, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("model")[0].GetString()!.ShouldContain(elsewhere);
    }

    [Fact]
    public async Task Worker_ModelsModelInAppSettings_ReachesTheTaskAgainstTheConfiguredCompatibleServer()
    {
        await using var model = await ScriptedModelServer.StartAsync();
        model.When(r => r.Contains("\"submit_plan\"") && !r.Contains("\"edit_file\""), ScriptedReply.ToolCall("submit_plan", new
        {
            subtasks = new[] { new { id = "fix", title = "Fix it", description = "Do what the task asks", depends_on = Array.Empty<string>(), priority = 0, files = Array.Empty<string>(), acceptance = new[] { "done" } } },
        }));
        model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Nothing to do" });
        using var repo = TempGitRepo.Create();
        repo.Commit("start", ("README.md", "# app\n"));
        repo.Git("push", "-q", "origin", "main");
        using var data = new TempDirectory();
        await WriteSettingsAsync(data.Path, new
        {
            Models = new
            {
                Model = "openai-compatible/configured-model",
                OpenAICompatibleBaseUrl = model.OpenAIBaseUri.ToString(),
                OpenAICompatibleApiKey = "configured-key-0123456789",
            },
            Repositories = new { AllowedRoots = new[] { repo.Root } },
        });
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, dataDirectory: data.Path);

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = repo.RemotePath, instruction = "Say hello" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ApiCalls.ReadJsonAsync(response)).GetProperty("id").GetString()!;
        await TestDefaults.WaitUntilAsync(() => model.RequestCount > 0, "the worker asked the configured model", TimeSpan.FromMinutes(2));

        var request = model.Requests[0];
        request.Model.ShouldBe("configured-model");
        request.Header("Authorization").ShouldBe("Bearer configured-key-0123456789");
        await TestDefaults.WaitUntilAsync(
            async () => await ApiCalls.StatusAsync(server.Client, id) is "succeeded" or "failed" or "needs_review" or "cancelled",
            "the task ended", TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Worker_ProviderErrorQuotingAServerToken_TokenReachesNoEventNorTheLastError()
    {
        const string token = "ns_Hq4Lw8Ze2Rt6Yu0Io3Pa7Sd1Fg5Jk9XcVbNmQwErTy";
        await using var model = await ScriptedModelServer.StartAsync();
        model.Fallback = ScriptedReply.Status(401, $"token {token} is not an API key for this model");
        using var repo = TempGitRepo.Create();
        repo.Commit("start", ("README.md", "# app\n"));
        repo.Git("push", "-q", "origin", "main");
        using var data = new TempDirectory();
        await WriteSettingsAsync(data.Path, new
        {
            Models = new { Model = "openai-compatible/configured-model", OpenAICompatibleBaseUrl = model.OpenAIBaseUri.ToString() },
            Repositories = new { AllowedRoots = new[] { repo.Root } },
        });
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, dataDirectory: data.Path);

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = repo.RemotePath, instruction = "Say hello", maxAttempts = 1 });
        var id = (await ApiCalls.ReadJsonAsync(response)).GetProperty("id").GetString()!;
        // One attempt that failed: retries exhausted, so the task is in the dead letter.
        await ApiCalls.WaitForStatusAsync(server.Client, id, "dead");

        var task = await ApiCalls.GetTaskAsync(server.Client, id);
        task.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("[REDACTED]");
        using var events = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events");
        events.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        using var eventsResponse = await server.Client.SendAsync(events);
        var payloads = await eventsResponse.Content.ReadAsStringAsync();
        payloads.ShouldContain("[REDACTED]");
        payloads.ShouldNotContain("ns_Hq4L");
        task.ToString().ShouldNotContain("ns_Hq4L");
    }

    [Fact]
    public async Task BuildServer_InvalidModelsSetting_RefusesToStartNamingTheSetting()
    {
        using var data = new TempDirectory();
        await WriteSettingsAsync(data.Path, new { Models = new { Model = "gpt-4.1" } });

        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(dataDirectory: data.Path));

        error.Message.ShouldContain("Models:Model");
    }

    private static string PrepareReplayFolder(string dataDirectory)
    {
        var replay = Path.Combine(dataDirectory, "replay");
        Directory.CreateDirectory(replay);
        WriteCassette(Path.Combine(replay, "ok.jsonl"));
        File.CreateSymbolicLink(Path.Combine(replay, "out.jsonl"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(replay, "etc"), "/etc");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [Path.Combine(replay, "fifo.jsonl")]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        mkfifo.ExitCode.ShouldBe(0);
        return replay;
    }

    private static void WriteCassette(string path)
    {
        using var writer = new CassetteWriter(path);
        writer.Write(new CassetteEntry { Call = 1, Model = "openai/gpt-4.1", Response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi")) });
    }

    private static Task WriteSettingsAsync(string dataDirectory, object settings) =>
        File.WriteAllTextAsync(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(settings));
}
