using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Agent.Tests.Execution;

public sealed class SequentialSubtaskSchedulerTests
{
    private static readonly Workspace Workspace = new("t1", "/nowhere", "nightshift/t1", "main", new string('a', 40), new RepositoryRef(RepositoryKind.LocalPath, "/repo", "key"));

    [Fact]
    public async Task RunAsync_PlanWithFinishedSubtasks_BuildsTheRestDependenciesFirstInTheTasksWorkspace()
    {
        var plan = Plan(("d", ["b", "c"], 0), ("c", ["a"], 5), ("b", ["a"], 0), ("a", [], 0));
        var journal = new JournalRun(plan);
        var earlier = new Dictionary<string, SubtaskResult> { ["a"] = new("a", PlanFingerprints.Compute(plan)["a"], SubtaskState.Completed) { Summary = "did a" } };
        var built = new List<SubtaskWork>();

        var results = await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, Workspace, (work, _) =>
        {
            built.Add(work);
            return Task.FromResult(SubtaskResult.Done(work, "ok"));
        }, journal.Journal) { Earlier = earlier });

        built.Select(w => w.Subtask.Id).ShouldBe(["c", "b", "d"]);
        built.ShouldAllBe(w => w.Isolation == SubtaskIsolation.TaskWorktree && ReferenceEquals(w.Workspace, Workspace));
        results.Select(o => o.Id).ShouldBe(["c", "b", "d"]);
        journal.Entries.ShouldBe([
            ("subtask.skipped", "a"),
            ("subtask.started", "c"), ("subtask.completed", "c"),
            ("subtask.started", "b"), ("subtask.completed", "b"),
            ("subtask.started", "d"), ("subtask.completed", "d"),
        ]);
        journal.Run.All("subtask.started").ShouldAllBe(e => e.GetProperty("worktree").GetString() == "task");
        journal.Checkpoint.Subtasks.Select(s => (s.Id, s.Status)).ShouldBe([("c", SubtaskState.Completed), ("b", SubtaskState.Completed), ("d", SubtaskState.Completed)]);
    }

    [Fact]
    public async Task RunAsync_SubtaskStopsEarly_NoLaterSubtaskStarts()
    {
        var plan = Plan(("a", [], 0), ("b", ["a"], 0), ("c", ["b"], 0));
        var journal = new JournalRun(plan);
        var built = new List<string>();

        var results = await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, Workspace, (work, _) =>
        {
            built.Add(work.Subtask.Id);
            return Task.FromResult(work.Subtask.Id == "b" ? SubtaskResult.Stopped(work, "budget", "half of b", steps: 7) : SubtaskResult.Done(work, null));
        }, journal.Journal));

        built.ShouldBe(["a", "b"]);
        results.Last().Reason.ShouldBe("budget");
        journal.Of("b").ShouldBe(["subtask.started", "subtask.failed"]);
        var failed = journal.Run.Last("subtask.failed");
        failed.GetProperty("reason").GetString().ShouldBe("budget");
        failed.GetProperty("steps").GetInt32().ShouldBe(7);
        failed.GetProperty("summary").GetString().ShouldBe("half of b");
        journal.Checkpoint.Subtasks.Single(s => s.Id == "b").Status.ShouldBe(SubtaskState.Failed);
        journal.Of("c").ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_EarlierRecordsStaleBuiltOrFailed_BuildsThoseSubtasksAgain()
    {
        var plan = Plan(("a", [], 0), ("b", [], 0), ("c", [], 0));
        var fingerprints = PlanFingerprints.Compute(plan);
        var earlier = new Dictionary<string, SubtaskResult>
        {
            ["a"] = new("a", new string('0', 32), SubtaskState.Completed),
            ["b"] = new("b", fingerprints["b"], SubtaskState.Built) { SubtaskCommit = new string('b', 40) },
            ["c"] = new("c", fingerprints["c"], SubtaskState.Failed) { Reason = "budget" },
        };
        var built = new List<string>();

        await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, Workspace, (work, _) =>
        {
            built.Add(work.Subtask.Id);
            return Task.FromResult(SubtaskResult.Done(work, null));
        }, new JournalRun(plan).Journal) { Earlier = earlier });

        built.ShouldBe(["a", "b", "c"]);
    }

    public static TheoryData<string, Func<SubtaskWork, SubtaskResult?>> BrokenBuilders => new()
    {
        { "no result", _ => null },
        { "another subtask's result", _ => new SubtaskResult("zzz", "f", SubtaskState.Completed) { Commit = new string('e', 40) } },
        { "a state a builder cannot reach", work => new SubtaskResult(work.Subtask.Id, work.Fingerprint, SubtaskState.Reused) },
        { "a started state", work => new SubtaskResult(work.Subtask.Id, work.Fingerprint, SubtaskState.Started) },
    };

    [Theory]
    [MemberData(nameof(BrokenBuilders))]
    public async Task RunAsync_BuilderReturnsSomethingOdd_RecordedAsTheSubtasksOwnResult(string what, Func<SubtaskWork, SubtaskResult?> answer)
    {
        var plan = Plan(("a", [], 0), ("b", ["a"], 0));
        var journal = new JournalRun(plan);

        var results = await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, Workspace, (work, _) => Task.FromResult(answer(work)!), journal.Journal));

        var a = results[0];
        a.Id.ShouldBe("a", what);
        a.Fingerprint.ShouldBe(PlanFingerprints.Compute(plan)["a"]);
        a.Commit.ShouldBeNull();
        journal.Checkpoint.Subtasks.Select(s => s.Id).ShouldBeSubsetOf(["a", "b"]);
        journal.Checkpoint.Commit.ShouldBeNull();
        if (a.Status == SubtaskState.Failed)
        {
            results.ShouldHaveSingleItem(what);
            a.Reason.ShouldNotBeNullOrWhiteSpace();
            journal.Of("a").ShouldBe(["subtask.started", "subtask.failed"]);
        }
        else
        {
            a.Status.ShouldBe(SubtaskState.Completed, what);
            journal.Of("a").ShouldBe(["subtask.started", "subtask.completed"]);
        }
    }

    [Fact]
    public async Task RunAsync_CyclicPlan_RefusesNamingTheCycle()
    {
        var acyclic = Plan(("a", [], 0), ("b", [], 0));
        var plan = Plan(("a", ["b"], 0), ("b", ["a"], 0));

        var error = await Should.ThrowAsync<PlanCycleException>(() => new SequentialSubtaskScheduler().RunAsync(
            new SubtaskSchedule(plan, Workspace, (work, _) => Task.FromResult(SubtaskResult.Done(work, null)), new JournalRun(acyclic).Journal)));

        error.Message.ShouldContain("a → b → a");
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsBeforeTheNextSubtask()
    {
        using var cancel = new CancellationTokenSource();
        var plan = Plan(("a", [], 0), ("b", ["a"], 0));
        var built = new List<string>();

        await Should.ThrowAsync<OperationCanceledException>(() => new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, Workspace, (work, _) =>
        {
            built.Add(work.Subtask.Id);
            cancel.Cancel();
            return Task.FromResult(SubtaskResult.Done(work, null));
        }, new JournalRun(plan).Journal), cancel.Token));

        built.ShouldBe(["a"]);
    }

    private static Plan Plan(params (string Id, string[] DependsOn, int Priority)[] subtasks) =>
        new([.. subtasks.Select(s => new Subtask(s.Id, s.Id, s.Id, s.DependsOn, s.Priority, [], []))]);
}
