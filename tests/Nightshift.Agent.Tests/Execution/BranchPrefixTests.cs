using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary><c>branch_prefix</c> in .nightshift.yml through the real executor, git worktrees and the bare remote.</summary>
public sealed class BranchPrefixTests
{
    [Fact]
    public async Task ExecuteAsync_RepoAsksForABranchPrefix_TheBranchIsBuiltAndPushedUnderIt()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("bots' branches", (".nightshift.yml", "test: node --test\nnetwork: off\nbranch_prefix: bots/nightly\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var branch = outcome.Branch.ShouldNotBeNull();
        branch.ShouldStartWith("bots/nightly/");
        branch.ShouldNotContain("nightshift/");
        run.Last("workspace.ready").GetProperty("branch").GetString().ShouldBe(branch);
        harness.RemoteFile(branch, "calc.mjs").ShouldContain("return a + b;");
        harness.Repo.RemoteGit("branch", "--format=%(refname:short)").Trim().Split('\n').Order(StringComparer.Ordinal).ShouldBe([branch, "main"]);
        (run.PullRequest).ShouldNotBeNull().Reference.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("branch_prefix: ../escape", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: refs/heads/main", "is not usable as a branch folder")]
    [InlineData("branch_prefix: \"-f\"", "'branch_prefix' must be a short branch-name prefix")]
    public async Task ExecuteAsync_HostileBranchPrefix_FailsWithTheParsersMessageBeforeAnyModelCall(string line, string expected)
    {
        var model = new ScriptedChatClient();
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("hostile prefix", (".nightshift.yml", $"test: node --test\nnetwork: off\n{line}\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain(expected);
        model.Calls.ShouldBeEmpty();
        harness.Repo.RemoteGit("branch", "--format=%(refname:short)").Trim().ShouldBe("main");
    }
}
