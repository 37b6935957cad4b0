using System.Text.Json;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>
/// `nightshift up` with one worker slot and the real agent (scripted model over the OpenAI protocol): a task whose
/// agent is inside a long sandboxed command is cancelled from the CLI.
/// </summary>
public sealed class CancelRunningAgentTests : IAsyncLifetime
{
    private ScriptedModelServer _model = null!;

    public async Task InitializeAsync() => _model = await ScriptedModelServer.StartAsync();

    [Fact]
    public async Task Cancel_WhileTheAgentRunsASandboxedCommand_KillsIt_ReleasesTheLeaseAndTheSlot()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("start", ("README.md", "a repository\n"), (".nightshift.yml", "test: none\n"));
        repo.Git("push", "-q", "origin", "main");
        var marker = $"ns-cancel-{Guid.NewGuid():N}";
        _model.When(r => r.Contains("\"submit_plan\"") && !r.Contains("\"edit_file\""), ScriptedReply.ToolCall("submit_plan", new
        {
            subtasks = new[] { new { id = "work", title = "Work", description = "Do it", depends_on = Array.Empty<string>(), priority = 0, files = Array.Empty<string>(), acceptance = new[] { "done" } } },
        }));
        // The first task's agent starts a command that would run for five minutes; the second task just writes a file.
        _model.When(r => r.Contains("first task") && !r.Contains(marker), ScriptedReply.ToolCall("run", new { command = $"sleep 300 # {marker}", timeout_seconds = 600 }));
        _model.When(r => r.Contains("second task") && !r.Contains("done.txt"), ScriptedReply.ToolCall("write_file", new { path = "done.txt", content = "done\n" }));
        _model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Done" });
        await using var server = await ServerProcess.StartAsync(
            CliProcess.DllPath,
            ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "1"],
            environment: new Dictionary<string, string?>
            {
                ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1",
                ["OPENAI_API_KEY"] = "sk-cancel-test",
                ["OPENAI_BASE_URL"] = _model.OpenAIBaseUri.ToString(),
                ["NIGHTSHIFT__Repositories__AllowedRoots__0"] = repo.Root,
            });
        string[] data = ["--data", server.DataDirectory];

        var first = await SubmitAsync(["--repo", repo.RemotePath, "the first task", .. data]);
        await TestDefaults.WaitUntilAsync(() => HostProcesses.WithMarker(marker).Count > 0, "the agent's sandboxed command runs");

        var cancel = await CliProcess.RunAsync(["cancel", first, .. data]);
        cancel.ExitCode.ShouldBe(ExitCodes.Ok, cancel.ToString());
        var cancelled = await WaitForStatusAsync(first, "cancelled", data);

        cancelled.GetProperty("leaseOwner").ValueKind.ShouldBe(JsonValueKind.Null, "the worker gave the lease back");
        await TestDefaults.WaitUntilAsync(() => HostProcesses.WithMarker(marker).Count == 0, "the sandboxed command is killed with its task");
        var logs = await CliProcess.RunAsync(["logs", first, "--json", .. data]);
        var types = JsonDocument.Parse(logs.Stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("task.cancel_requested");
        types[^1].ShouldBe("task.cancelled");

        // The only worker slot is free again: the next task runs to the end.
        var second = await SubmitAsync(["--repo", repo.RemotePath, "the second task", .. data]);
        var succeeded = await WaitForStatusAsync(second, "succeeded", data);
        repo.RemoteBranch(succeeded.GetProperty("branch").GetString()!).ShouldNotBeNull();
        repo.RemoteBranch(cancelled.GetProperty("branch").ValueKind == JsonValueKind.String ? cancelled.GetProperty("branch").GetString()! : "nightshift/none")
            .ShouldBeNull("a cancelled task pushes nothing");
    }

    public async Task DisposeAsync() => await _model.DisposeAsync();

    private static async Task<string> SubmitAsync(string[] arguments)
    {
        var submitted = await CliProcess.RunAsync(["submit", "--json", .. arguments]);
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        return JsonDocument.Parse(submitted.Stdout).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitForStatusAsync(string id, string status, string[] data)
    {
        JsonElement task = default;
        await TestDefaults.WaitUntilAsync(async () =>
        {
            var shown = await CliProcess.RunAsync(["show", id, "--json", .. data]);
            task = JsonDocument.Parse(shown.Stdout).RootElement.Clone();
            return task.GetProperty("status").GetString() == status;
        }, $"task {id} becomes {status}");
        return task;
    }
}
