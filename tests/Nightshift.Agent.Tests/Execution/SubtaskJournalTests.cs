using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Agent.Tests.Execution;

public sealed class SubtaskJournalTests
{
    private static readonly Workspace Workspace = new("t1", "/nowhere", "nightshift/t1", "main", new string('a', 40), new RepositoryRef(RepositoryKind.LocalPath, "/repo", "key"));

    private static readonly Plan Plan = new([Step("a"), Step("b", "a")]);

    [Fact]
    public async Task RecordAsync_CompletedWithATaskCommit_CheckpointFirstThenCommitThenCompleted()
    {
        var journal = new JournalRun(Plan);
        var result = new SubtaskResult("a", "f0", SubtaskState.Completed) { Commit = new string('c', 40), Summary = "Wrote a", Steps = 4 };

        await journal.Journal.StartedAsync(new SubtaskWork(Plan.Subtasks[0], "f0", Workspace, SubtaskIsolation.TaskWorktree));
        await journal.Journal.RecordAsync(result, new CommitResult(new string('c', 40), Workspace.BaseCommit, Workspace.Branch, [.. Enumerable.Range(0, 250).Select(i => $"f{i}.txt")]));

        journal.Entries.ShouldBe([("subtask.started", "a"), ("commit.created", "a"), ("subtask.completed", "a")]);
        journal.Unknown.ShouldBeEmpty();
        journal.Checkpoint.Stage.ShouldBe(CheckpointStage.Planned);
        journal.Checkpoint.Commit.ShouldBe(new string('c', 40));
        journal.Checkpoint.Subtasks.ShouldHaveSingleItem().ShouldBe(result);
        var commit = journal.Run.Last("commit.created");
        commit.GetProperty("files").GetArrayLength().ShouldBe(200);
        commit.GetProperty("branch").GetString().ShouldBe(Workspace.Branch);
        journal.Run.Last("subtask.completed").GetProperty("steps").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task RecordAsync_BuiltThenMerged_StoresTheOwnCommitThenTheBranchCommitAndReportsTheMerge()
    {
        var journal = new JournalRun(Plan, new ExecutionCheckpoint { Commit = "older" });
        var built = new SubtaskResult("a", "f0", SubtaskState.Built) { SubtaskCommit = new string('b', 40), Summary = "Wrote a" };

        await journal.Journal.RecordAsync(built, null);
        var afterBuilt = journal.Checkpoint;
        await journal.Journal.RecordAsync(built with { Status = SubtaskState.Completed, Commit = new string('m', 40), ConflictResolved = true }, null);

        afterBuilt.Commit.ShouldBe("older");
        afterBuilt.Subtasks.ShouldHaveSingleItem().Status.ShouldBe(SubtaskState.Built);
        journal.Checkpoint.Commit.ShouldBe(new string('m', 40));
        journal.Checkpoint.Subtasks.ShouldHaveSingleItem().Status.ShouldBe(SubtaskState.Completed);
        journal.Run.Types.Where(t => t != "task.phase").ShouldBe(["commit.created", "subtask.merged", "subtask.completed"]);
        journal.Run.Last("commit.created").GetRawText().ShouldBe($$"""{"commit":"{{new string('b', 40)}}","subtask":"a","merged":false}""");
        journal.Run.Last("subtask.merged").GetProperty("conflictResolved").GetBoolean().ShouldBeTrue();
        journal.Unknown.ShouldBeEmpty();
    }

    [Fact]
    public async Task RecordAsync_ReusedTwice_AnnouncedOnceAndNothingStored()
    {
        var journal = new JournalRun(Plan);
        var reused = new SubtaskResult("a", "f0", SubtaskState.Reused);

        await journal.Journal.RecordAsync(reused, null);
        await journal.Journal.RecordAsync(reused, null);
        await journal.Journal.RecordAsync(new SubtaskResult("b", "f1", SubtaskState.Skipped) { Reason = "it depends on 'a', which failed" }, null);

        journal.Entries.ShouldBe([("subtask.skipped", "a"), ("subtask.skipped", "b")]);
        journal.Run.All("subtask.skipped")[0].GetProperty("reason").GetString().ShouldBe("finished by an earlier attempt (same fingerprint)");
        journal.Run.All("subtask.skipped")[1].GetProperty("commit").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        journal.Checkpoint.Subtasks.ShouldBeEmpty();
    }

    [Fact]
    public async Task RecordAsync_OversizedSummary_ClippedInTheCheckpointAndTheEvent()
    {
        var journal = new JournalRun(Plan);

        await journal.Journal.RecordAsync(new SubtaskResult("a", "f0", SubtaskState.Failed) { Summary = new string('s', 1_000_000), Reason = "budget" }, null);

        journal.Checkpoint.Subtasks.ShouldHaveSingleItem().Summary!.Length.ShouldBe(SubtaskJournal.MaxSummaryChars);
        journal.Run.Last("subtask.failed").GetProperty("summary").GetString()!.Length.ShouldBe(SubtaskJournal.MaxSummaryChars);
    }

    [Fact]
    public async Task RecordAsync_StartedOrBuiltWithoutItsCommit_RefusedAndNothingRecorded()
    {
        var journal = new JournalRun(Plan);

        var started = await Should.ThrowAsync<ArgumentException>(() => journal.Journal.RecordAsync(new SubtaskResult("a", "f0", SubtaskState.Started), null));
        var built = await Should.ThrowAsync<ArgumentException>(() => journal.Journal.RecordAsync(new SubtaskResult("a", "f0", SubtaskState.Built), null));
        await Should.ThrowAsync<ArgumentException>(() => journal.Journal.RecordAsync(new SubtaskResult("a", "f0", (SubtaskState)99), null));

        started.Message.ShouldContain(nameof(SubtaskJournal.StartedAsync));
        built.Message.ShouldContain("no commit of its own");
        journal.Run.Events.ShouldBeEmpty();
        journal.Checkpoint.Subtasks.ShouldBeEmpty();
    }

    [Fact]
    public async Task StartedAsync_SubtaskNotInThePlan_RefusedNamingIt()
    {
        var journal = new JournalRun(Plan);

        var refused = await Should.ThrowAsync<ArgumentException>(() => journal.Journal.StartedAsync(new SubtaskWork(Step("ghost"), "f9", Workspace, SubtaskIsolation.OwnWorktree)));

        refused.Message.ShouldContain("'ghost' is not in the plan");
        journal.Run.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task StartedAsync_OwnWorktree_ReportsItsPlaceInThePlanAndTheIsolation()
    {
        var journal = new JournalRun(Plan);

        await journal.Journal.StartedAsync(new SubtaskWork(Plan.Subtasks[1], "f1", Workspace with { Path = "/elsewhere" }, SubtaskIsolation.OwnWorktree));

        journal.Run.Last("subtask.started").GetRawText().ShouldBe("""{"id":"b","title":"Title of b","index":1,"total":2,"dependsOn":["a"],"worktree":"own"}""");
    }

    private static Subtask Step(string id, params string[] dependsOn) => new(id, "Title of " + id, "Do " + id, dependsOn, 0, [], []);
}
