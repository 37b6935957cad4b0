using System.Text.Json;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>
/// `demo --live` and `run` as real processes against a model server on 127.0.0.1 that speaks OpenAI's wire protocol
/// from a script: the CLI's provider, the agent's tool calls, the sandbox, the verifier and the push are all real.
/// </summary>
public sealed class LiveModelTests : IAsyncLifetime
{
    private const string Key = "sk-live-test-key-0123456789";
    private readonly string _data = Directory.CreateTempSubdirectory("ns-live-cli-").FullName;
    private ScriptedModelServer _model = null!;

    public async Task InitializeAsync() => _model = await ScriptedModelServer.StartAsync();

    [Fact]
    public async Task DemoLive_AsksTheConfiguredModel_AndEndsWithAPushedBranchWhoseTestsPass()
    {
        ScriptPlanAnswer();
        _model.Enqueue(
            ScriptedReply.ToolCall("edit_file", new { path = "src/cart.mjs", old_string = "sum - discountPercent", new_string = "sum - sum * discountPercent / 100" }).WithUsage(900, 60),
            ScriptedReply.ToolCall("finish", new { summary = "Take the discount as a percentage of the subtotal" }).WithUsage(1_000, 20));

        var result = await CliProcess.RunAsync(["demo", "--live", "--data", _data, "--json"], Environment(), timeout: TimeSpan.FromMinutes(3));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stderr.ShouldContain("LIVE");
        result.Stderr.ShouldNotContain("REPLAY");
        var task = JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        task.GetProperty("status").GetString().ShouldBe("succeeded");
        task.GetProperty("source").GetString().ShouldBe("demo");
        task.GetProperty("usage").GetProperty("inputTokens").GetInt64().ShouldBeGreaterThanOrEqualTo(1_900);
        var repo = task.GetProperty("repo").GetString()!;
        GitCli.Run(repo, "show", $"{task.GetProperty("branch").GetString()}:src/cart.mjs").ShouldContain("sum * discountPercent / 100");

        // The model was really asked, with our key, over the OpenAI protocol; the key went nowhere else.
        _model.Requests.ShouldNotBeEmpty();
        _model.Requests.ShouldAllBe(r => r.Header("Authorization") == $"Bearer {Key}");
        result.Stdout.ShouldNotContain(Key);
        result.Stderr.ShouldNotContain(Key);
    }

    [Fact]
    public async Task Run_OnABareRepository_PushesTheTaskBranchBackToIt_AndLeavesItsBranchesAlone()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a greeter with a bug",
            ("greet.mjs", "export function greet(name) {\n  return 'Hello, ' + name;\n}\n"),
            ("greet.test.mjs", "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { greet } from './greet.mjs';\n\ntest('greets with an exclamation mark', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada!');\n});\n"),
            (".nightshift.yml", "test:\n  - node --test\n"));
        repo.Git("push", "-q", "origin", "main");
        var mainBefore = repo.RemoteBranch("main");
        ScriptPlanAnswer();
        _model.Enqueue(
            ScriptedReply.ToolCall("edit_file", new { path = "greet.mjs", old_string = "'Hello, ' + name", new_string = "'Hello, ' + name + '!'" }),
            ScriptedReply.ToolCall("finish", new { summary = "Greet with an exclamation mark" }));

        var result = await CliProcess.RunAsync(
            ["run", "--repo", repo.RemotePath, "--data", _data, "--json", "Make greet end with an exclamation mark"],
            Environment(),
            timeout: TimeSpan.FromMinutes(3));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines.Select(l => l.TryGetProperty("type", out var t) ? t.GetString() : null).ShouldContain("verify.passed");
        var task = lines[^1];
        task.GetProperty("status").GetString().ShouldBe("succeeded");
        var branch = task.GetProperty("branch").GetString()!;
        branch.ShouldStartWith("nightshift/");
        repo.RemoteBranch(branch).ShouldNotBeNull("the task's branch is pushed back to the bare repository given as --repo");
        repo.RemoteGit("show", $"{branch}:greet.mjs").ShouldContain("name + '!'");
        repo.RemoteGit("log", "-1", "--format=%B", branch).ShouldContain($"Nightshift-Task: {task.GetProperty("id").GetString()}");
        repo.RemoteBranch("main").ShouldBe(mainBefore, "the repository's own branches are never moved");
    }

    [Fact]
    public async Task Run_WhenTheModelBreaksTheTests_ExitsNonZeroWithTheWorkOnADraftBranch()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a passing test",
            ("sum.mjs", "export const sum = (a, b) => a + b;\n"),
            ("sum.test.mjs", "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from './sum.mjs';\n\ntest('adds', () => {\n  assert.equal(sum(2, 3), 5);\n});\n"),
            (".nightshift.yml", "test:\n  - node --test\n"));
        repo.Git("push", "-q", "origin", "main");
        ScriptPlanAnswer();
        // The model breaks the passing test and says it is done, every round; the verifier has the last word.
        _model.Enqueue(ScriptedReply.ToolCall("write_file", new { path = "sum.mjs", content = "export const sum = (a, b) => a - b;\n" }));
        _model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Made sum faster" });

        var result = await CliProcess.RunAsync(
            ["run", "--repo", repo.RemotePath, "--data", _data, "--json", "Make sum faster"],
            Environment(),
            timeout: TimeSpan.FromMinutes(3));

        result.ExitCode.ShouldBe(ExitCodes.TaskFailed, result.ToString());
        var task = JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        task.GetProperty("status").GetString().ShouldBe("needs_review");
        result.Stdout.ShouldContain("verify.failed");
        task.GetProperty("lastError").GetString().ShouldNotBeNull().ShouldContain("draft");
        repo.RemoteBranch(task.GetProperty("branch").GetString()!).ShouldNotBeNull("the work so far is pushed for review");
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>If the agent plans first, the plan is the whole instruction as one subtask.</summary>
    private void ScriptPlanAnswer() =>
        _model.When(r => r.Contains("\"submit_plan\"") && !r.Contains("\"edit_file\""), ScriptedReply.ToolCall("submit_plan", new
        {
            subtasks = new[] { new { id = "fix", title = "Fix it", description = "Do what the task asks", depends_on = Array.Empty<string>(), priority = 0, files = Array.Empty<string>(), acceptance = new[] { "the tests pass" } } },
        }));

    private Dictionary<string, string?> Environment() => new()
    {
        ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1",
        ["OPENAI_API_KEY"] = Key,
        ["OPENAI_BASE_URL"] = _model.OpenAIBaseUri.ToString(),
    };
}
