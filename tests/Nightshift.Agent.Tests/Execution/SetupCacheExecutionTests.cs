using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// The setup cache through the real executor, real git and bubblewrap: setup "installs" a dependency into the worktree
/// (ignored node_modules) and counts its runs in the task's /cache, so a restored count of one proves setup did not run.
/// </summary>
public sealed class SetupCacheExecutionTests
{
    private const string Config =
        "setup: \"echo ran >> /cache/setup-runs; mkdir -p node_modules/dep && echo 'export const answer = 42;' > node_modules/dep/index.mjs; echo installed\"\n" +
        "test: node --test\nnetwork: off\n";

    private const string Look = "cat node_modules/dep/index.mjs; echo runs=$(wc -l < /cache/setup-runs)";

    private static ScriptedChatClient Model(params (string CallId, string Command)[] looks)
    {
        var model = new ScriptedChatClient();
        foreach (var (callId, command) in looks)
        {
            model.ThenToolCall("run", new { command }, callId)
                .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
                .ThenToolCall("finish", new { summary = "Fix add" });
        }
        return model;
    }

    private static ExecutorHarness Harness(ScriptedChatClient model)
    {
        var harness = new ExecutorHarness(model);
        harness.Repo.Commit("a project with a lock file",
            (".gitignore", "node_modules/\n"), ("package-lock.json", "{\"lockfileVersion\":3,\"v\":1}"), (".nightshift.yml", Config));
        return harness;
    }

    [Fact]
    public async Task ExecuteAsync_SecondTaskOnAnUnchangedLockFile_RestoresWithoutRunningSetupAndAChangedCopyDoesNotReachTheThird()
    {
        var model = Model(("first", Look), ("second", Look + "; echo 'export const answer = 0;' > node_modules/dep/index.mjs; echo poisoned >> /cache/setup-runs"), ("third", Look));
        using var harness = Harness(model);

        var first = await RunAsync(harness);
        var second = await RunAsync(harness);
        var third = await RunAsync(harness);

        var miss = first.Run.Last("setup.cache_miss");
        miss.GetProperty("stored").GetBoolean().ShouldBeTrue(miss.ToString());
        miss.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("no entry for key");
        SetupOutput(first.Run).ShouldNotBeEmpty();
        ResultOf(model, "first").ShouldContain("answer = 42");

        var hit = second.Run.Last("setup.cache_hit");
        hit.GetProperty("key").GetString().ShouldBe(miss.GetProperty("key").GetString());
        hit.GetProperty("files").GetInt32().ShouldBe(2);
        hit.GetProperty("savedMs").GetInt64().ShouldBe(miss.GetProperty("setupMs").GetInt64());
        second.Run.Types.ShouldNotContain("setup.cache_miss");
        SetupOutput(second.Run).ShouldBeEmpty();
        var seen = ResultOf(model, "second");
        seen.ShouldContain("answer = 42");
        seen.ShouldContain("runs=1");

        third.Run.Types.ShouldContain("setup.cache_hit", third.Run.All("setup.cache_miss").FirstOrDefault().ToString());
        var thirdSeen = ResultOf(model, "third");
        thirdSeen.ShouldContain("answer = 42");
        thirdSeen.ShouldContain("runs=1");
    }

    [Fact]
    public async Task ExecuteAsync_LockFileChanged_MissesRunsSetupAndStoresAgain()
    {
        var model = Model(("first", Look), ("second", Look));
        using var harness = Harness(model);
        await RunAsync(harness);
        harness.Repo.Commit("bump a dependency", ("package-lock.json", "{\"lockfileVersion\":3,\"v\":2}"));

        var second = await RunAsync(harness);

        second.Run.Types.ShouldNotContain("setup.cache_hit");
        var miss = second.Run.Last("setup.cache_miss");
        miss.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("no entry for key");
        miss.GetProperty("stored").GetBoolean().ShouldBeTrue();
        SetupOutput(second.Run).ShouldNotBeEmpty();
        ResultOf(model, "second").ShouldContain("runs=1");
        Directory.GetDirectories(Path.Combine(harness.Data, "setup-cache"), "*", SearchOption.AllDirectories)
            .Count(d => Path.GetFileName(d).Length == 64).ShouldBe(2);
    }

    [Fact]
    public async Task ExecuteAsync_TaskOfAnotherOrganisation_NeverGetsTheEntry()
    {
        var model = Model(("first", Look), ("other", Look));
        using var harness = Harness(model);
        await RunAsync(harness);

        var other = await RunAsync(harness, harness.NewTask() with { OrgId = "another-org" });

        other.Run.Types.ShouldNotContain("setup.cache_hit");
        other.Run.Last("setup.cache_miss").GetProperty("stored").GetBoolean().ShouldBeTrue();
        SetupOutput(other.Run).ShouldNotBeEmpty();
        Directory.Exists(Path.Combine(harness.Data, "setup-cache", "another-org")).ShouldBeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_CacheListsALockFileThatIsMissing_RunsSetupUncachedAndSaysWhy()
    {
        var model = Model(("first", Look));
        using var harness = Harness(model);
        harness.Repo.Commit("names a lock file that is not there", (".nightshift.yml", Config + "cache: [web/package-lock.json]\n"));

        var first = await RunAsync(harness);

        first.Outcome.Kind.ShouldBe(OutcomeKind.Succeeded, first.Outcome.Reason);
        var miss = first.Run.Last("setup.cache_miss");
        miss.GetProperty("key").ValueKind.ShouldBe(JsonValueKind.Null);
        miss.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("web/package-lock.json");
        miss.GetProperty("stored").GetBoolean().ShouldBeFalse();
        SetupOutput(first.Run).ShouldNotBeEmpty();
    }

    private static async Task<(RecordingRun Run, TaskOutcome Outcome)> RunAsync(ExecutorHarness harness, Core.Tasks.TaskRecord? task = null)
    {
        var run = new RecordingRun(task ?? harness.NewTask());
        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());
        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        return (run, outcome);
    }

    private static List<JsonElement> SetupOutput(RecordingRun run) =>
        [.. run.All("command.output").Where(e => e.GetProperty("purpose").GetString() == "setup")];

    private static string ResultOf(ScriptedChatClient model, string callId) =>
        model.Calls.SelectMany(c => c.ToolResults).Last(r => r.CallId == callId).Result?.ToString() ?? "";
}
