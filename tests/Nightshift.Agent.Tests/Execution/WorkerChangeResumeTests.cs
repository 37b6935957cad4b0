using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// A task resumed by another worker (its own data folder: a fresh worktree and mirror) after the first one stopped:
/// the progress the first saved on the remote is restored, so finished subtasks are skipped and a committed change is
/// pushed, not built again. Real git, a bare remote, the real executor and a scripted model.
/// </summary>
public sealed class WorkerChangeResumeTests
{
    private const string ProgressRefs = "refs/nightshift/progress/";

    /// <summary>A second worker on the first harness's repository: the same model, its own data folder.</summary>
    private static ExecutorHarness OtherWorker(PlanScript script, ExecutorHarness first) =>
        PlannedRuns.Harness(script, 12, s => s["Repositories:AllowedRoots:1"] = first.Repo.Root);

    [Fact]
    public async Task ResumedOnAnotherWorker_AfterTheFirstSubtask_SkipsItAndDeliversBothOnOneBranch()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", []), ("b", ["a"])));
        using var first = PlannedRuns.Harness(script, 12);
        var task = first.NewTask("Add two notes");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        script.OnBuildStart = id =>
        {
            if (id == "b" && !cancel.IsCancellationRequested)
            {
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            }
        };

        var released = await first.Executor.ExecuteAsync(run, cancel.Token);

        released.Kind.ShouldBe(OutcomeKind.Released);
        script.Built.ShouldBe(["a"]);
        first.Repo.RemoteGit("for-each-ref", "--format=%(refname)", ProgressRefs).Trim().ShouldBe(ProgressRefs + task.Id);
        var callsBefore = script.Model.Calls.Count;

        using var second = OtherWorker(script, first);
        second.Data.ShouldNotBe(first.Data);
        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await second.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.ShouldBe(["a", "b"]);
        script.Model.Calls.Skip(callsBefore).ShouldAllBe(c => PlanScript.SubtaskOf(c) == "b");
        resumed.All("subtask.skipped").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a"]);
        resumed.All("subtask.started").Select(e => e.GetProperty("id").GetString()).ShouldBe(["b"]);
        first.Repo.RemoteGit("log", "--format=%s", $"main..{outcome.Branch}").Trim().Split('\n').ShouldBe(["Step b", "Step a"]);
        first.RemoteFile(outcome.Branch!, "a.txt").ShouldBe("a\n");
        first.RemoteFile(outcome.Branch!, "b.txt").ShouldBe("b\n");
        // One pushed branch for the task, and the saved progress is gone once it is pushed.
        first.Repo.RemoteGit("for-each-ref", "--format=%(refname)", "refs/heads/").Trim().Split('\n').Count(r => r != "refs/heads/main").ShouldBe(1);
        first.Repo.RemoteGit("for-each-ref", "--format=%(refname)", ProgressRefs).Trim().ShouldBeEmpty();
    }

    [Fact]
    public async Task ResumedOnAnotherWorker_AfterTheCommit_PushesTheCommittedChangeWithoutBuildingAgain()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", []), ("b", ["a"])));
        using var first = PlannedRuns.Harness(script, 12);
        var task = first.NewTask("Add two notes");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        run.OnCheckpoint = (json, _) =>
        {
            if (json.Contains("\"stage\":\"committed\"", StringComparison.Ordinal) && !cancel.IsCancellationRequested)
            {
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            }
        };

        var released = await first.Executor.ExecuteAsync(run, cancel.Token);

        released.Kind.ShouldBe(OutcomeKind.Released);
        run.Checkpoint.ShouldNotBeNull().ShouldContain("\"stage\":\"committed\"");
        first.Repo.RemoteGit("for-each-ref", "--format=%(refname)", "refs/heads/").Trim().ShouldBe("refs/heads/main");
        var callsBefore = script.Model.Calls.Count;

        using var second = OtherWorker(script, first);
        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await second.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Model.Calls.Count.ShouldBe(callsBefore);
        resumed.Types.ShouldNotContain("subtask.started");
        resumed.Types.ShouldContain("branch.pushed");
        first.RemoteFile(outcome.Branch!, "a.txt").ShouldBe("a\n");
        first.RemoteFile(outcome.Branch!, "b.txt").ShouldBe("b\n");
        first.Repo.RemoteGit("for-each-ref", "--format=%(refname)", ProgressRefs).Trim().ShouldBeEmpty();
    }
}
