using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Forges;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>The branch is pushed but the forge does not open the pull request; the next attempt opens it without rebuilding.</summary>
public sealed class PublishRetryTests
{
    private static ScriptedChatClient FixingModel() => new ScriptedChatClient()
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });

    [Fact]
    public async Task ExecuteAsync_ForgeRefusesThePullRequest_FailsNamingThePushedBranchAndTheReason_ThenRetryOpensItWithoutAModelCall()
    {
        var model = FixingModel();
        var forge = new FailingForge(new ForgeException("the token may not open pull requests on acme/calc: give it 'Pull requests: write'", 403));
        using var harness = new ExecutorHarness(model, forge: forge);
        var task = harness.NewTask();
        var first = new RecordingRun(task);

        var failed = await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());

        failed.Kind.ShouldBe(OutcomeKind.Failed, failed.Reason);
        var branch = failed.Branch.ShouldNotBeNull();
        failed.Reason.ShouldNotBeNull().ShouldContain($"branch {branch} was pushed");
        failed.Reason.ShouldContain("give it 'Pull requests: write'");
        failed.Reason.ShouldContain($"nightshift retry {task.Id}");
        harness.RemoteFile(branch, "calc.mjs").ShouldContain("return a + b;");
        first.Types.ShouldContain("branch.pushed");
        first.Types.ShouldNotContain("pr.opened");
        first.PullRequest.ShouldBeNull();
        var callsBefore = model.Calls.Count;
        var pushedHead = harness.Repo.RemoteGit("rev-parse", branch).Trim();

        var retry = new RecordingRun(task, first.Checkpoint, attempt: 1);
        var outcome = await harness.Executor.ExecuteAsync(retry, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(branch);
        outcome.PullRequest.ShouldBe($"local:{task.Id}");
        model.Calls.Count.ShouldBe(callsBefore, "retrying the publish step asks the model nothing");
        retry.Usage.Calls.ShouldBe(0);
        retry.Types.ShouldNotContain("verify.started");
        retry.Types.ShouldNotContain("commit.created");
        retry.Types.ShouldNotContain("branch.pushed");
        retry.Types.ShouldContain("pr.opened");
        harness.Repo.RemoteGit("rev-parse", branch).Trim().ShouldBe(pushedHead, "nothing was rebuilt or pushed again");
        var pull = retry.PullRequest.ShouldNotBeNull();
        pull.Branch.ShouldBe(branch);
        pull.Diff.ShouldContain("+  return a + b;");
        pull.Draft.ShouldBeFalse();
        forge.Calls.ShouldBe(2);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(null)]
    public async Task ExecuteAsync_ForgeFailsTransiently_AsksForAnotherAttemptNamingTheBranch(int? status)
    {
        var forge = new FailingForge(new ForgeException("the forge did not answer in time", status, TimeSpan.FromSeconds(30)));
        using var harness = new ExecutorHarness(FixingModel(), forge: forge);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.RetryableFailure, outcome.Reason);
        outcome.Branch.ShouldNotBeNull();
        outcome.Reason.ShouldNotBeNull().ShouldContain($"branch {outcome.Branch} was pushed");
        outcome.Reason.ShouldContain("the forge did not answer in time");
        outcome.Reason.ShouldContain("without rebuilding");
        run.PullRequest.ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_ForgeThrowsSomethingElse_IsNotMistakenForAForgeAnswer()
    {
        var forge = new ThrowingForge(new InvalidOperationException("a bug in a forge client"));
        using var harness = new ExecutorHarness(FixingModel(), forge: forge);
        var run = new RecordingRun(harness.NewTask());

        await Should.ThrowAsync<InvalidOperationException>(() => harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken()));

        run.PullRequest.ShouldBeNull();
    }

    private sealed class ThrowingForge(Exception failure) : Core.Forges.IForge
    {
        public string Name => "broken";

        public Task<Core.Forges.PullRequest> OpenAsync(Core.Forges.PullRequestDraft draft, CancellationToken cancellationToken = default) => throw failure;
    }
}
