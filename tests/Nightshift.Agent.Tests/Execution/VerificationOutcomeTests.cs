using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// How a task ends once the agent is done, through the real executor, sandbox, git and local forge. The sample
/// repository's test 'adds' fails on the base branch, as in most real tasks (a failing test, a bug report): it is never
/// blamed on the agent, but never silently credited either.
/// </summary>
public sealed class VerificationOutcomeTests
{
    private const string FixAdd = "return a + b;";

    [Fact]
    public async Task ExecuteAsync_WrongFixLeavesTheOldFailure_ItIsFedBackAndTheSecondFixSucceeds()
    {
        string? feedback = null;
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b + 1;" })
            .ThenToolCall("finish", new { summary = "Fix add" })
            .Then(call =>
            {
                feedback = call.LastMessage.Text;
                return ScriptedChatClient.ToolCalls(("edit_file", new { path = "calc.mjs", old_string = "return a + b + 1;", new_string = FixAdd }, "fix2"));
            })
            .ThenToolCall("finish", new { summary = "Fix add for real" });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        feedback.ShouldNotBeNull().ShouldStartWith("These tests failed before your change and still fail: adds.");
        feedback.ShouldContain("out_of_scope");
        feedback.ShouldContain("not ok 1 - adds");
        var failed = run.All("verify.failed").ShouldHaveSingleItem();
        failed.GetProperty("preExistingFailures").EnumerateArray().Select(e => e.GetString()).ShouldBe(["adds"]);
        failed.GetProperty("newFailures").GetArrayLength().ShouldBe(0);
        run.All("verify.passed").ShouldHaveSingleItem().GetProperty("preExistingFailures").GetArrayLength().ShouldBe(0);
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain(FixAdd);
        (run.PullRequest).ShouldNotBeNull().Draft.ShouldBeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_ModelDeclaresTheOldFailureOutOfScope_SucceedsWithTheTestAndReasonInPlainSight()
    {
        const string Reason = "add() is a separate bug; this task only adds the changelog";
        var model = new ScriptedChatClient()
            .ThenToolCall("write_file", new { path = "CHANGELOG.md", content = "- docs\n" })
            .ThenToolCall("finish", new { summary = "Add a changelog" })
            .ThenToolCall("finish", new { summary = "Add a changelog", out_of_scope = new[] { new { test = "adds", reason = Reason } } });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask("Add a changelog file"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        model.Calls.Count.ShouldBe(3);
        var passed = run.Last("verify.passed");
        var declared = passed.GetProperty("outOfScope").EnumerateArray().ShouldHaveSingleItem();
        declared.GetProperty("test").GetString().ShouldBe("adds");
        declared.GetProperty("reason").GetString().ShouldBe(Reason);
        var pull = (run.PullRequest).ShouldNotBeNull();
        pull.Draft.ShouldBeFalse();
        pull.Body.ShouldContain($"- `adds`: {Reason}");
        pull.Body.ShouldContain("declared out of scope");
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        var result = details.RootElement.GetProperty("outOfScope").EnumerateArray().ShouldHaveSingleItem();
        result.GetProperty("test").GetString().ShouldBe("adds");
        result.GetProperty("reason").GetString().ShouldBe(Reason);
    }

    [Fact]
    public async Task ExecuteAsync_ModelIgnoresTheOldFailure_NeedsReviewWithADraftPullRequest()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("write_file", new { path = "CHANGELOG.md", content = "- docs\n" })
            .ThenToolCall("finish", new { summary = "Add a changelog" })
            .ThenToolCall("finish", new { summary = "Add a changelog; the tests are fine" });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask("Add a changelog file"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        outcome.Reason.ShouldNotBeNull().ShouldContain("already failed on the base branch still fail and were not declared out of scope (adds)");
        model.Calls.Count.ShouldBe(3);
        run.Types.ShouldNotContain("verify.passed");
        run.All("verify.failed").Count.ShouldBe(2);
        var pull = (run.PullRequest).ShouldNotBeNull();
        pull.Draft.ShouldBeTrue();
        pull.Title.ShouldStartWith("[needs review]");
        pull.Body.ShouldContain("the agent gave no reason to leave them: `adds`");
        run.Last("pr.opened").GetProperty("draft").GetBoolean().ShouldBeTrue();
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        details.RootElement.GetProperty("stillFailing").EnumerateArray().Select(e => e.GetString()).ShouldBe(["adds"]);
    }

    [Fact]
    public async Task ExecuteAsync_OutOfScopeDeclaredForANewFailure_DoesNotExcuseIt()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a * b;", new_string = "return a * b + 1;" })
            .ThenToolCall("finish", new { summary = "Tweak mul", out_of_scope = new[] { new { test = "multiplies", reason = "not mine" }, new { test = "adds", reason = "separate bug" } } });
        using var harness = new ExecutorHarness(model, s => s["Agent:VerificationRounds"] = "0");
        var run = new RecordingRun(harness.NewTask("Tweak mul"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        var failed = run.Last("verify.failed");
        failed.GetProperty("newFailures").EnumerateArray().Select(e => e.GetString()).ShouldBe(["multiplies"]);
        failed.GetProperty("outOfScope").EnumerateArray().Select(e => e.GetProperty("test").GetString()).ShouldBe(["adds"]);
        (run.PullRequest).ShouldNotBeNull().Draft.ShouldBeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_AgentChangesNothing_FailsSayingNoChangeWasMade()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("read_file", new { path = "calc.mjs" })
            .ThenToolCall("finish", new { summary = "Looked at it" });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldStartWith("no change was made: the agent finished without changing any file");
        run.Types.ShouldNotContain("pr.opened");
        run.Types.ShouldNotContain("branch.pushed");
        (run.PullRequest).ShouldBeNull();
        model.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ExecuteAsync_QuestionAnsweredWithoutAChange_SucceedsWithTheAnswerAndNoBranch()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("read_file", new { path = "calc.mjs" })
            .ThenToolCall("finish", new { summary = "Answered", answer = "add() returns a - b, so add(2, 3) is -1." });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask("What does add(2, 3) return today?"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBeNull();
        outcome.PullRequest.ShouldBeNull();
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        details.RootElement.GetProperty("answer").GetString().ShouldBe("add() returns a - b, so add(2, 3) is -1.");
        run.Types.ShouldNotContain("pr.opened");
    }

    [Fact]
    public async Task ExecuteAsync_NoTestCommandFound_NeedsReviewAsUnverified()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = FixAdd })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Git("rm", "--quiet", "calc.test.mjs");
        harness.Repo.Commit("no tests", (".nightshift.yml", "network: off\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        outcome.Reason.ShouldNotBeNull().ShouldStartWith("unverified: no test command was found; add `test: <command>` to .nightshift.yml");
        run.Last("verify.failed").GetProperty("skipped").GetBoolean().ShouldBeTrue();
        var pull = (run.PullRequest).ShouldNotBeNull();
        pull.Draft.ShouldBeTrue();
        pull.Body.ShouldContain("unverified");
    }

    [Fact]
    public async Task ExecuteAsync_RepoSaysTestNone_SucceedsWithoutRunningOrGuessingTests()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("write_file", new { path = "CHANGELOG.md", content = "- docs\n" })
            .ThenToolCall("finish", new { summary = "Add a changelog" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("no tests on purpose", (".nightshift.yml", "test: none\nnetwork: off\n"));
        var run = new RecordingRun(harness.NewTask("Add a changelog file"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("verify.started").ShouldBeEmpty();
        run.Last("verify.passed").GetProperty("skipped").GetBoolean().ShouldBeTrue();
        model.Calls.Count.ShouldBe(2);
        var pull = (run.PullRequest).ShouldNotBeNull();
        pull.Draft.ShouldBeFalse();
        pull.Body.ShouldContain("says `test: none`");
    }
}
