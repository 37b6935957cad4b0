using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces.Tests.Subtasks;

public sealed class SubtaskMergeTests
{
    [Fact]
    public async Task PrepareSubtaskAsync_FromTheTaskCommit_WorktreeOnItsOwnBranchWithTheTaskFiles()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("add search");
        var head = await h.Subtasks.CurrentCommitAsync(task);

        var subtask = await h.Subtasks.PrepareSubtaskAsync(task, "parse-query", head, TestDefaults.TimeoutToken());

        subtask.Branch.ShouldBe(task.Branch + "--parse-query");
        Names.BranchProblem(subtask.Branch).ShouldBeNull();
        subtask.BaseCommit.ShouldBe(head);
        subtask.Path.ShouldNotBe(task.Path);
        File.ReadAllText(Path.Combine(subtask.Path, "README.md")).ShouldBe("# sample\n");
        GitCli.Run(subtask.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(subtask.Branch);
    }

    [Fact]
    public async Task CommitSubtaskAsync_ChangedFiles_CommitsOnTheSubtaskBranchOnly()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var subtask = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());

        var nothing = await h.Subtasks.CommitSubtaskAsync(subtask, new CommitRequest("nothing yet"), TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(subtask.Path, "b.txt"), "from b\n");
        var commit = await h.Subtasks.CommitSubtaskAsync(subtask, new CommitRequest("add b"), TestDefaults.TimeoutToken());

        nothing.ShouldBeNull();
        commit.ShouldNotBeNull();
        commit.Parent.ShouldBe(head);
        commit.ChangedPaths.ShouldBe(["b.txt"]);
        var mirror = h.MirrorOf(task);
        GitCli.Run(mirror, "rev-parse", "refs/heads/" + subtask.Branch).Trim().ShouldBe(commit.Commit);
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(head);
        File.Exists(Path.Combine(task.Path, "b.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task MergeSubtaskAsync_TwoSubtasksFromOneBase_MergedInOrderWithBothParentsAndPushable()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("two features");
        var untracked = Path.Combine(task.Path, "build-output.log");
        await File.WriteAllTextAsync(untracked, "left by the verifier\n");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("b.txt", "from b\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("c.txt", "from c\n"));

        var first = await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("Merge subtask b"), TestDefaults.TimeoutToken());
        var second = await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("Merge subtask c"), TestDefaults.TimeoutToken());

        first.Status.ShouldBe(SubtaskMergeStatus.Merged);
        second.Status.ShouldBe(SubtaskMergeStatus.Merged);
        var mirror = h.MirrorOf(task);
        Parents(mirror, first.HeadCommit).ShouldBe([head, b]);
        Parents(mirror, second.HeadCommit).ShouldBe([first.HeadCommit, c]);
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(second.HeadCommit);
        File.ReadAllText(Path.Combine(task.Path, "b.txt")).ShouldBe("from b\n");
        File.ReadAllText(Path.Combine(task.Path, "c.txt")).ShouldBe("from c\n");
        File.ReadAllText(untracked).ShouldBe("left by the verifier\n");
        (await h.Subtasks.ContainsCommitAsync(task, b)).ShouldBeTrue();

        File.Delete(untracked);
        await File.WriteAllTextAsync(Path.Combine(task.Path, "after.txt"), "after the merges\n");
        var after = await h.Tasks.CommitAsync(task, new CommitRequest("after"), TestDefaults.TimeoutToken());
        await h.Tasks.PushAsync(task, null, TestDefaults.TimeoutToken());
        after.ShouldNotBeNull();
        after.Parent.ShouldBe(second.HeadCommit);
        after.ChangedPaths.ShouldBe(["after.txt"]);
        h.Repo.RemoteBranch(task.Branch).ShouldBe(after.Commit);
        h.Repo.RemoteGit("show", $"{after.Commit}:c.txt").ShouldBe("from c\n");
    }

    [Fact]
    public async Task MergeSubtaskAsync_SubtaskChangesAlreadyOnTheBranch_UnchangedWithoutACommit()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("same.txt", "same\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("same.txt", "same\n"));
        var merged = await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken());

        var again = await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken());

        again.Status.ShouldBe(SubtaskMergeStatus.Unchanged);
        again.HeadCommit.ShouldBe(merged.HeadCommit);
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(merged.HeadCommit);
    }

    [Fact]
    public async Task MergeSubtaskAsync_BothEditTheSameLine_MarkersInTheTaskWorktreeUntilResolvedThenBothParents()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("conflict");
        var head = await CommitInTaskAsync(h, task, ("shared.txt", "one\ntwo\nthree\n"));
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("shared.txt", "one\nTWO from b\nthree\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("shared.txt", "one\nTWO from c\nthree\n"));
        var afterB = (await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken())).HeadCommit;

        var conflict = await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken());

        conflict.Status.ShouldBe(SubtaskMergeStatus.Conflicted);
        conflict.ConflictedPaths.ShouldBe(["shared.txt"]);
        conflict.HeadCommit.ShouldBe(afterB);
        var file = Path.Combine(task.Path, "shared.txt");
        var marked = File.ReadAllText(file);
        marked.ShouldContain("<<<<<<< " + task.Branch);
        marked.ShouldContain("TWO from b\n=======\nTWO from c");
        marked.ShouldContain(">>>>>>> " + task.Branch + "--c");
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(afterB);
        GitCli.Run(h.MirrorOf(task), "rev-parse", "refs/heads/" + task.Branch).Trim().ShouldBe(afterB);

        var premature = await h.Subtasks.CompleteMergeAsync(task, new CommitRequest("resolved"), TestDefaults.TimeoutToken());
        premature.Status.ShouldBe(SubtaskMergeStatus.Conflicted);
        premature.ConflictedPaths.ShouldBe(["shared.txt"]);
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(afterB);

        await File.WriteAllTextAsync(file, "one\nTWO from b and c\nthree\n");
        var resolved = await h.Subtasks.CompleteMergeAsync(task, new CommitRequest("Merge subtask c (conflict resolved)"), TestDefaults.TimeoutToken());

        resolved.Status.ShouldBe(SubtaskMergeStatus.Merged);
        var mirror = h.MirrorOf(task);
        Parents(mirror, resolved.HeadCommit).ShouldBe([afterB, c]);
        GitCli.Run(mirror, "show", resolved.HeadCommit + ":shared.txt").ShouldBe("one\nTWO from b and c\nthree\n");
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(resolved.HeadCommit);
        GitCli.Run(task.Path, "status", "--porcelain").ShouldBeEmpty();
    }

    [Fact]
    public async Task AbortMergeAsync_AfterAConflict_TaskWorktreeBackAtTheBranchAndNothingMerged()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("conflict");
        var head = await CommitInTaskAsync(h, task, ("shared.txt", "one\n"));
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("shared.txt", "b\n"), ("only-b.txt", "b\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("shared.txt", "c\n"), ("only-c.txt", "c\n"));
        var afterB = (await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken())).HeadCommit;
        await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(task.Path, "shared.txt"), "half-done resolution\n");

        await h.Subtasks.AbortMergeAsync(task, TestDefaults.TimeoutToken());

        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(afterB);
        File.ReadAllText(Path.Combine(task.Path, "shared.txt")).ShouldBe("b\n");
        File.Exists(Path.Combine(task.Path, "only-c.txt")).ShouldBeFalse();
        (await h.Tasks.CommitAsync(task, new CommitRequest("nothing"), TestDefaults.TimeoutToken())).ShouldBeNull();
        await Should.ThrowAsync<WorkspaceException>(() => h.Subtasks.CompleteMergeAsync(task, new CommitRequest("x"), TestDefaults.TimeoutToken()));
    }

    [Fact]
    public async Task MergeSubtaskAsync_WhileAConflictIsPending_RefusedAndNamesThePendingSubtask()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("conflict");
        var head = await CommitInTaskAsync(h, task, ("shared.txt", "one\n"));
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("shared.txt", "b\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("shared.txt", "c\n"));
        var d = await CommitInNewSubtaskAsync(h, task, "d", head, ("d.txt", "d\n"));
        await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken());
        await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken());

        var refused = await Should.ThrowAsync<WorkspaceException>(() => h.Subtasks.MergeSubtaskAsync(task, "d", d, new CommitRequest("d"), TestDefaults.TimeoutToken()));

        refused.Message.ShouldContain("'c'");
        refused.Message.ShouldContain("complete or abort");
    }

    [Fact]
    public async Task RecoverMergeAsync_CrashWhileUpdatingTheTaskWorktree_FinishesTheMerge()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("crash");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("b.txt", "b\n"));
        var merged = await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken());
        // Put things back the way a crash after the journal was written and before the branch moved leaves them.
        var mirror = h.MirrorOf(task);
        var tree = GitCli.Run(mirror, "rev-parse", merged.HeadCommit + "^{tree}").Trim();
        h.Services.Context.Layout.WriteRecord(h.Services.Context.Layout.ReadRecord(task.TaskId)! with { HeadCommit = null });
        new SubtaskStore(h.Data).WriteMerge(task.TaskId, new PendingMerge("b", head, b, tree, []) { Commit = merged.HeadCommit });
        File.Delete(Path.Combine(task.Path, "b.txt"));

        var recovered = await h.Subtasks.RecoverMergeAsync(task, TestDefaults.TimeoutToken());

        recovered.ShouldBe("b");
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(merged.HeadCommit);
        File.ReadAllText(Path.Combine(task.Path, "b.txt")).ShouldBe("b\n");
        (await h.Subtasks.RecoverMergeAsync(task, TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task RecoverMergeAsync_CrashDuringConflictResolution_AbortsIt()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("crash");
        var head = await CommitInTaskAsync(h, task, ("shared.txt", "one\n"));
        var b = await CommitInNewSubtaskAsync(h, task, "b", head, ("shared.txt", "b\n"));
        var c = await CommitInNewSubtaskAsync(h, task, "c", head, ("shared.txt", "c\n"));
        var afterB = (await h.Subtasks.MergeSubtaskAsync(task, "b", b, new CommitRequest("b"), TestDefaults.TimeoutToken())).HeadCommit;
        await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken());

        var recovered = await h.Subtasks.RecoverMergeAsync(task, TestDefaults.TimeoutToken());

        recovered.ShouldBeNull();
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(afterB);
        File.ReadAllText(Path.Combine(task.Path, "shared.txt")).ShouldBe("b\n");
        (await h.Subtasks.MergeSubtaskAsync(task, "c", c, new CommitRequest("c"), TestDefaults.TimeoutToken())).Status.ShouldBe(SubtaskMergeStatus.Conflicted);
    }

    [Fact]
    public async Task RemoveSubtasksAsync_SeveralSubtasks_FoldersBranchesAndBookkeepingGone()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());
        var c = await h.Subtasks.PrepareSubtaskAsync(task, "c", head, TestDefaults.TimeoutToken());
        var mirror = h.MirrorOf(task);

        await h.Subtasks.RemoveSubtasksAsync(task, TestDefaults.TimeoutToken());
        await h.Subtasks.RemoveSubtaskAsync(b, TestDefaults.TimeoutToken());

        Directory.Exists(b.Path).ShouldBeFalse();
        Directory.Exists(c.Path).ShouldBeFalse();
        GitCli.Run(mirror, "for-each-ref", "--format=%(refname)", "refs/heads/").Trim().ShouldBe("refs/heads/" + task.Branch);
        GitCli.Run(mirror, "worktree", "list", "--porcelain").ShouldNotContain("--b");
        Directory.Exists(task.Path).ShouldBeTrue();
        await Should.ThrowAsync<WorkspaceException>(() => h.Subtasks.CommitSubtaskAsync(c, new CommitRequest("gone"), TestDefaults.TimeoutToken()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReleaseAsync_TaskWithSubtaskWorktrees_RemovesThemWhetherTheTaskWorktreeIsKeptOrNot(bool keep)
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());
        var mirror = h.MirrorOf(task);

        await h.Tasks.ReleaseAsync(task, keep, TestDefaults.TimeoutToken());
        await h.Tasks.ReleaseAsync(task, keep, TestDefaults.TimeoutToken());

        Directory.Exists(b.Path).ShouldBeFalse();
        Directory.Exists(Path.GetDirectoryName(b.Path)).ShouldBeFalse();
        GitCli.Run(mirror, "for-each-ref", "--format=%(refname)", "refs/heads/").ShouldNotContain("--b");
        Directory.Exists(task.Path).ShouldBe(keep);
    }

    [Fact]
    public async Task DiffSubtaskAsync_ChangedFile_ShowsOnlyTheSubtaskChangeAgainstItsBase()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var b = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(b.Path, "b.txt"), "from b\n");
        await File.WriteAllTextAsync(Path.Combine(task.Path, "task.txt"), "from the task\n");

        var diff = await h.Subtasks.DiffSubtaskAsync(b, TestDefaults.TimeoutToken());

        diff.ShouldContain("+++ b/b.txt");
        diff.ShouldContain("+from b");
        diff.ShouldNotContain("task.txt");
        (await h.Tasks.DiffAsync(task, TestDefaults.TimeoutToken())).ShouldNotContain("b.txt");
    }

    [Fact]
    public async Task PrepareSubtaskAsync_LeftoverOfACrashedAttempt_ReplacedByAFreshWorktree()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var first = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(first.Path, "half-done.txt"), "from the crashed attempt\n");

        var second = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());

        second.Path.ShouldBe(first.Path);
        File.Exists(Path.Combine(second.Path, "half-done.txt")).ShouldBeFalse();
        File.Exists(Path.Combine(second.Path, "README.md")).ShouldBeTrue();
    }

    private static async Task<string> CommitInNewSubtaskAsync(Harness h, Workspace task, string id, string from, params (string Path, string Content)[] files)
    {
        var subtask = await h.Subtasks.PrepareSubtaskAsync(task, id, from, TestDefaults.TimeoutToken());
        foreach (var (path, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(subtask.Path, path), content);
        }
        var commit = await h.Subtasks.CommitSubtaskAsync(subtask, new CommitRequest("subtask " + id), TestDefaults.TimeoutToken());
        return commit!.Commit;
    }

    private static async Task<string> CommitInTaskAsync(Harness h, Workspace task, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(task.Path, path), content);
        }
        return (await h.Tasks.CommitAsync(task, new CommitRequest("task setup"), TestDefaults.TimeoutToken()))!.Commit;
    }

    private static string[] Parents(string mirror, string commit) =>
        GitCli.Run(mirror, "rev-list", "--parents", "-n", "1", commit).Trim().Split(' ')[1..];
}
