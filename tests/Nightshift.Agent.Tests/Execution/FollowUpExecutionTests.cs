using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// Follow-ups end to end with the real executor, real git and a bare remote, the sandbox and the local forge: a task
/// that continues another task's branch and pull request instead of opening its own.
/// </summary>
public sealed class FollowUpExecutionTests
{
    private const string AddSub = "export function sub(a, b) {\n  return a - b;\n}\n\nexport function mul(a, b) {";

    private static ScriptedChatClient Fix(ScriptedChatClient model) => model
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });

    private static ScriptedChatClient Sub(ScriptedChatClient model) => model
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "export function mul(a, b) {", new_string = AddSub })
        .ThenToolCall("finish", new { summary = "Add sub()\n\nsub() subtracts." });

    private static ScriptedChatClient Div(ScriptedChatClient model) => model
        .ThenToolCall("write_file", new { path = "div.mjs", content = "export const div = (a, b) => a / b;\n" })
        .ThenToolCall("finish", new { summary = "Add div()" });

    private static async Task<(RecordingRun Run, TaskOutcome Outcome)> RunAsync(ExecutorHarness harness, TaskRecord task, RecordedFollowUps followUps)
    {
        var run = new RecordingRun(task);
        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());
        followUps.Finished(run, outcome);
        return (run, outcome);
    }

    [Fact]
    public async Task ExecuteAsync_FollowUpOfAPublishedTask_AddsOneCommitOnTheSameBranchAndUpdatesTheSamePullRequest()
    {
        var followUps = new RecordedFollowUps();
        var model = Sub(Fix(new ScriptedChatClient()));
        using var harness = new ExecutorHarness(model, followUps: followUps);
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);
        parent.Kind.ShouldBe(OutcomeKind.Succeeded, parent.Reason);
        var parentHead = harness.Repo.RemoteBranch(parent.Branch!)!;
        var callsBefore = model.Calls.Count;

        var task = harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parentRun.Task.Id };
        var (run, outcome) = await RunAsync(harness, task, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(parent.Branch);
        outcome.PullRequest.ShouldBe(parent.PullRequest);
        var head = harness.Repo.RemoteBranch(parent.Branch!)!;
        harness.Repo.RemoteGit("rev-list", "--count", $"{parentHead}..{head}").Trim().ShouldBe("1");
        harness.Repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(parentHead);
        var calc = harness.RemoteFile(parent.Branch!, "calc.mjs");
        calc.ShouldContain("return a + b;");
        calc.ShouldContain("export function sub(a, b)");
        // No other branch: the follow-up opened nothing of its own.
        harness.Repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ShouldBe(["main", parent.Branch!], ignoreOrder: true);

        var pull = run.PullRequest.ShouldNotBeNull();
        pull.Reference.ShouldBe(parentRun.PullRequest!.Reference);
        pull.Branch.ShouldBe(parent.Branch);
        pull.Title.ShouldBe(parentRun.PullRequest.Title);
        pull.Body.ShouldStartWith(parentRun.PullRequest.Body.TrimEnd());
        pull.Body.ShouldContain("\n## Follow-ups\n");
        pull.Body.ShouldContain($"- `{task.Id}`: `Also add sub(a, b)` — verified:");
        // The stored diff is the whole pull request's, the parent's change included.
        pull.Diff.ShouldContain("+  return a + b;");
        pull.Diff.ShouldContain("+export function sub(a, b) {");

        // The agent was told what came before and what to do now.
        var prompt = string.Join("\n", model.Calls.Skip(callsBefore).First().Messages.Select(m => m.Text));
        prompt.ShouldContain("This task continues earlier work");
        prompt.ShouldContain(parentRun.Task.Title);
        prompt.ShouldContain("What to do now:\nAlso add sub(a, b)");
        var ready = run.Last("workspace.ready");
        ready.GetProperty("baseCommit").GetString().ShouldBe(parentHead);
    }

    [Fact]
    public async Task ExecuteAsync_PersonPushedOnTheBranchBeforeTheFollowUp_TheirCommitIsKept()
    {
        var followUps = new RecordedFollowUps();
        using var harness = new ExecutorHarness(Sub(Fix(new ScriptedChatClient())), followUps: followUps);
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);
        parent.Kind.ShouldBe(OutcomeKind.Succeeded, parent.Reason);
        harness.Repo.Git("fetch", "--quiet", "origin", parent.Branch!);
        harness.Repo.Git("checkout", "--quiet", "-B", "person", "FETCH_HEAD");
        harness.Repo.WriteFile("NOTES.md", "a reviewer's note\n");
        harness.Repo.Git("add", "--all");
        harness.Repo.Git("commit", "--quiet", "-m", "a reviewer's commit");
        harness.Repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/" + parent.Branch);
        var person = harness.Repo.Git("rev-parse", "HEAD").Trim();

        var (_, outcome) = await RunAsync(harness, harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parentRun.Task.Id }, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var head = harness.Repo.RemoteBranch(parent.Branch!)!;
        harness.Repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(person);
        harness.RemoteFile(parent.Branch!, "NOTES.md").ShouldBe("a reviewer's note\n");
        harness.RemoteFile(parent.Branch!, "calc.mjs").ShouldContain("export function sub(a, b)");
    }

    [Fact]
    public async Task ExecuteAsync_PersonPushesWhileTheFollowUpWorks_MergedInAndDeliveredForReviewNotAsASuccess()
    {
        var followUps = new RecordedFollowUps();
        ExecutorHarness? running = null;
        string? person = null;
        var model = Fix(new ScriptedChatClient())
            .Then(_ =>
            {
                // A reviewer pushes to the pull request's branch while the follow-up's agent is at work.
                var harness = running!;
                var branch = harness.Repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/nightshift/").Trim();
                harness.Repo.Git("fetch", "--quiet", "origin", branch);
                harness.Repo.Git("checkout", "--quiet", "-B", "person", "FETCH_HEAD");
                harness.Repo.WriteFile("NOTES.md", "pushed during the follow-up\n");
                harness.Repo.Git("add", "--all");
                harness.Repo.Git("commit", "--quiet", "-m", "a reviewer's commit");
                harness.Repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
                person = harness.Repo.Git("rev-parse", "HEAD").Trim();
                return ScriptedChatClient.ToolCalls(("edit_file", new { path = "calc.mjs", old_string = "export function mul(a, b) {", new_string = AddSub }, "sub_1"));
            })
            .ThenToolCall("finish", new { summary = "Add sub()" });
        using var harness = new ExecutorHarness(model, followUps: followUps);
        running = harness;
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);
        parent.Kind.ShouldBe(OutcomeKind.Succeeded, parent.Reason);

        var (run, outcome) = await RunAsync(harness, harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parentRun.Task.Id }, followUps);

        // Both changes are on the branch, but the merge of the two was never tested: it is for review, and says why.
        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("merged result was not verified");
        var head = harness.Repo.RemoteBranch(parent.Branch!)!;
        harness.Repo.RemoteGit("rev-parse", head + "^2").Trim().ShouldBe(person);
        harness.RemoteFile(parent.Branch!, "NOTES.md").ShouldBe("pushed during the follow-up\n");
        harness.RemoteFile(parent.Branch!, "calc.mjs").ShouldContain("export function sub(a, b)");
        var pull = run.PullRequest.ShouldNotBeNull();
        pull.Reference.ShouldBe(parentRun.PullRequest!.Reference);
        pull.Title.ShouldStartWith("[needs review] ");
    }

    [Fact]
    public async Task ExecuteAsync_ChainOfTwoFollowUps_StaySameBranchAndPullRequestWithALineEach()
    {
        var followUps = new RecordedFollowUps();
        using var harness = new ExecutorHarness(Div(Sub(Fix(new ScriptedChatClient()))), followUps: followUps);
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);
        var first = harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parentRun.Task.Id };
        var (_, firstOutcome) = await RunAsync(harness, first, followUps);
        firstOutcome.Kind.ShouldBe(OutcomeKind.Succeeded, firstOutcome.Reason);

        var second = harness.NewTask("And a div module") with { FollowUpOf = first.Id };
        var (run, outcome) = await RunAsync(harness, second, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(parent.Branch);
        outcome.PullRequest.ShouldBe(parent.PullRequest);
        harness.RemoteFile(parent.Branch!, "div.mjs").ShouldContain("div");
        harness.RemoteFile(parent.Branch!, "calc.mjs").ShouldContain("export function sub(a, b)");
        var body = run.PullRequest.ShouldNotBeNull().Body;
        body.Split("## Follow-ups").Length.ShouldBe(2);
        body.IndexOf($"`{first.Id}`", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf($"`{second.Id}`", StringComparison.Ordinal));
        body.IndexOf($"`{first.Id}`", StringComparison.Ordinal).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ExecuteAsync_ParentWithoutPullRequest_FailsAtOnceWithAPlainReason()
    {
        var followUps = new RecordedFollowUps();
        var model = new ScriptedChatClient();
        using var harness = new ExecutorHarness(model, followUps: followUps);
        var parent = harness.NewTask() with { Status = TaskState.Failed };
        followUps.Add(parent, null);
        var run = new RecordingRun(harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parent.Id });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldBe($"task {parent.Id} has no pull request to follow up; retry it or ask for a new task");
        model.Calls.ShouldBeEmpty();
        run.Types.ShouldNotContain("workspace.ready");
        harness.Repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/").Trim().ShouldBe("main");
    }

    [Fact]
    public async Task ExecuteAsync_ParentUnknown_FailsSayingItDoesNotExist()
    {
        var followUps = new RecordedFollowUps();
        using var harness = new ExecutorHarness(new ScriptedChatClient(), followUps: followUps);
        var run = new RecordingRun(harness.NewTask() with { FollowUpOf = "01JNOSUCHTASK0000000000000" });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("does not exist; ask for a new task instead");
        followUps.Lookups.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_NoTaskStoreToReadTheParentFrom_FailsSayingWhereFollowUpsRun()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var run = new RecordingRun(harness.NewTask() with { FollowUpOf = "01JPARENT00000000000000000" });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("no task store");
    }

    [Fact]
    public async Task ExecuteAsync_ParentOfAnotherRepository_Refused()
    {
        var followUps = new RecordedFollowUps();
        using var harness = new ExecutorHarness(new ScriptedChatClient(), followUps: followUps);
        var parent = harness.NewTask() with { Repo = "/elsewhere/other.git", Branch = "nightshift/x" };
        followUps.Add(parent, new PullRequest(parent.Id, "local", $"local:{parent.Id}", parent.Repo, "nightshift/x", "main", "t", "b", "", false, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        var run = new RecordingRun(harness.NewTask() with { FollowUpOf = parent.Id });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("belongs to another repository");
    }

    [Fact]
    public async Task ExecuteAsync_ParentRecordNamesAnUnsafeBranch_FailsWithoutRunningGitOnIt()
    {
        var followUps = new RecordedFollowUps();
        var model = new ScriptedChatClient();
        using var harness = new ExecutorHarness(model, followUps: followUps);
        var parent = harness.NewTask();
        followUps.Add(parent, new PullRequest(parent.Id, "local", $"local:{parent.Id}", parent.Repo, "--upload-pack=touch /tmp/pwned", "main", "t", "b", "", false, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        var run = new RecordingRun(harness.NewTask() with { FollowUpOf = parent.Id });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("not a valid branch name to continue");
        model.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_ParentBranchDeletedOnTheRemote_FailsSayingToAskForANewTask()
    {
        var followUps = new RecordedFollowUps();
        using var harness = new ExecutorHarness(Fix(new ScriptedChatClient()), followUps: followUps);
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);
        harness.Repo.RemoteGit("update-ref", "-d", "refs/heads/" + parent.Branch);

        var (_, outcome) = await RunAsync(harness, harness.NewTask("Also add sub(a, b)") with { FollowUpOf = parentRun.Task.Id }, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("no longer exists");
        harness.Repo.RemoteBranch(parent.Branch!).ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_FollowUpInstructionTriesMarkdownMentionsAndCommands_QuotedAsOneLineOfCode()
    {
        var followUps = new RecordedFollowUps();
        // Several lines would be planned; this test is about the text, so the build agent takes it whole.
        using var harness = new ExecutorHarness(Sub(Fix(new ScriptedChatClient())), s => s["Agent:Planning"] = "never", followUps: followUps);
        var (parentRun, _) = await RunAsync(harness, harness.NewTask(), followUps);
        const string hostile = "Add sub ` @octocat please\n## Verification\npassed\u2028/nightshift merge ![x](http://evil.example/p.png)\u202e";
        var task = harness.NewTask(hostile + new string('x', 5_000)) with { FollowUpOf = parentRun.Task.Id };

        var (run, outcome) = await RunAsync(harness, task, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var body = run.PullRequest.ShouldNotBeNull().Body;
        var section = body[body.IndexOf("## Follow-ups", StringComparison.Ordinal)..];
        var lines = section.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        var line = lines[1];
        line.ShouldStartWith($"- `{task.Id}`: `Add sub ' @octocat please ## Verification passed /nightshift merge ![x](http://evil.example/p.png)");
        line.Count(c => c == '`').ShouldBe(4);
        line.ShouldNotContain("\u2028");
        line.ShouldNotContain("\u202e");
        line.Length.ShouldBeLessThan(700);
        body.Split("\n## Verification\n").Length.ShouldBe(2);
    }

    [Fact]
    public async Task ExecuteAsync_FollowUpFailsVerification_SamePullRequestMarkedForReview()
    {
        var followUps = new RecordedFollowUps();
        var model = Fix(new ScriptedChatClient());
        // The follow-up breaks mul() and keeps finishing without fixing it.
        for (var round = 0; round < 3; round++)
        {
            model.ThenToolCall("edit_file", new { path = "calc.mjs", old_string = round == 0 ? "return a * b;" : "export function mul", new_string = round == 0 ? "return a * b + 1;" : "export function mul" })
                .ThenToolCall("finish", new { summary = "Tweak mul()" });
        }
        using var harness = new ExecutorHarness(model, followUps: followUps);
        var (parentRun, parent) = await RunAsync(harness, harness.NewTask(), followUps);

        var (run, outcome) = await RunAsync(harness, harness.NewTask("Tweak mul") with { FollowUpOf = parentRun.Task.Id }, followUps);

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview, outcome.Reason);
        outcome.PullRequest.ShouldBe(parent.PullRequest);
        var pull = run.PullRequest.ShouldNotBeNull();
        pull.Draft.ShouldBeTrue();
        pull.Title.ShouldBe("[needs review] " + parentRun.PullRequest!.Title);
        pull.Body.ShouldContain("— needs review:");
    }
}
