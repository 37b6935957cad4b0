using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Tests;

/// <summary>
/// A task's progress kept on the remote under a hidden ref: saved by one worker, restored into a fresh worktree by
/// another (its own data folder, its own mirror), and dropped after the push. Real git and a bare remote.
/// </summary>
public sealed class ProgressTests
{
    private static string ProgressRef(Workspace workspace) => TaskWorkspaces.ProgressRefPrefix + workspace.TaskId;

    /// <summary>A second worker: the same repository and policy, its own data folder and mirror.</summary>
    private static WorkspaceServices OtherWorker(Harness h) => new(
        new RepositoryPolicy(Microsoft.Extensions.Options.Options.Create(h.RepositoryOptions)),
        Microsoft.Extensions.Options.Options.Create(new WorkspaceOptions { DataDirectory = h.Repo.NewFolder("worker-b") }),
        h.Clock,
        NullLogger<WorkspaceServices>.Instance);

    private static string? RemoteRef(Harness h, string name)
    {
        var line = h.Repo.RemoteGit("for-each-ref", "--format=%(objectname)", name).Trim();
        return line.Length == 0 ? null : line;
    }

    private static async Task<(Workspace Workspace, string First, string Second)> TwoCommitsAsync(Harness h, string taskId)
    {
        var workspace = await h.PrepareAsync("two subtasks", taskId: taskId);
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "one.txt"), "subtask one\n");
        var first = (await h.Tasks.CommitAsync(workspace, new CommitRequest("One"), TestDefaults.TimeoutToken()))!.Commit;
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "two.txt"), "subtask two\n");
        var second = (await h.Tasks.CommitAsync(workspace, new CommitRequest("Two"), TestDefaults.TimeoutToken()))!.Commit;
        return (workspace, first, second);
    }

    [Fact]
    public async Task SaveOnOneWorker_RestoreOnAnother_TheFreshWorktreeHoldsTheWorkAtThatCommit()
    {
        using var h = Harness.Create();
        var taskId = Harness.NewTaskId();
        var (a, first, second) = await TwoCommitsAsync(h, taskId);

        await h.Tasks.SaveProgressAsync(a, null, TestDefaults.TimeoutToken());

        RemoteRef(h, ProgressRef(a)).ShouldBe(second);
        using var worker = OtherWorker(h);
        var b = await worker.Tasks.PrepareAsync(new WorkspaceRequest(taskId, h.Repo.RemotePath, null, "two subtasks"), TestDefaults.TimeoutToken());
        b.Path.ShouldNotBe(a.Path);
        File.Exists(Path.Combine(b.Path, "one.txt")).ShouldBeFalse();

        (await worker.Tasks.RestoreProgressAsync(b, first, null, TestDefaults.TimeoutToken())).ShouldBeTrue();

        (await File.ReadAllTextAsync(Path.Combine(b.Path, "one.txt"))).ShouldBe("subtask one\n");
        File.Exists(Path.Combine(b.Path, "two.txt")).ShouldBeFalse();
        (await worker.Tasks.LocateCommitAsync(b, first, TestDefaults.TimeoutToken())).ShouldBe(CommitPlace.Committed);
        GitCli.Run(b.Path, "rev-parse", "HEAD").Trim().ShouldBe(first);
        GitCli.Run(b.Path, "status", "--porcelain").Trim().ShouldBeEmpty();
        // The next commit goes on top of the restored one, and the push delivers both subtasks' work.
        await File.WriteAllTextAsync(Path.Combine(b.Path, "three.txt"), "built on worker b\n");
        var next = await worker.Tasks.CommitAsync(b, new CommitRequest("Three"), TestDefaults.TimeoutToken());
        next!.Parent.ShouldBe(first);
        await worker.Tasks.PushAsync(b, null, TestDefaults.TimeoutToken());
        h.Repo.RemoteGit("ls-tree", "--name-only", b.Branch).Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldContain("one.txt");
    }

    [Fact]
    public async Task RestoreProgressAsync_ToTheSavedTip_MovesTheWorktreeThere()
    {
        using var h = Harness.Create();
        var taskId = Harness.NewTaskId();
        var (a, _, second) = await TwoCommitsAsync(h, taskId);
        await h.Tasks.SaveProgressAsync(a, null, TestDefaults.TimeoutToken());
        using var worker = OtherWorker(h);
        var b = await worker.Tasks.PrepareAsync(new WorkspaceRequest(taskId, h.Repo.RemotePath, null, "two subtasks"), TestDefaults.TimeoutToken());

        (await worker.Tasks.RestoreProgressAsync(b, second, null, TestDefaults.TimeoutToken())).ShouldBeTrue();

        File.Exists(Path.Combine(b.Path, "one.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(b.Path, "two.txt")).ShouldBeTrue();
        (await worker.Tasks.DiffAsync(b, TestDefaults.TimeoutToken())).ShouldContain("subtask two");
    }

    [Fact]
    public async Task RestoreProgressAsync_ACommitTheSavedProgressDoesNotHold_IsFalseAndChangesNothing()
    {
        using var h = Harness.Create();
        var taskId = Harness.NewTaskId();
        var (a, first, second) = await TwoCommitsAsync(h, taskId);
        // Only the first commit was saved; the second is known only to worker a's mirror.
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(a), "push", "--quiet", h.Repo.RemotePath, $"{first}:{ProgressRef(a)}");
        using var worker = OtherWorker(h);
        var b = await worker.Tasks.PrepareAsync(new WorkspaceRequest(taskId, h.Repo.RemotePath, null, "two subtasks"), TestDefaults.TimeoutToken());
        var head = GitCli.Run(b.Path, "rev-parse", "HEAD").Trim();
        // A commit the remote has, but not in the task's progress.
        var unknown = h.Repo.Commit("elsewhere", ("elsewhere.txt", "not the task's\n"));

        (await worker.Tasks.RestoreProgressAsync(b, second, null, TestDefaults.TimeoutToken())).ShouldBeFalse();
        (await worker.Tasks.RestoreProgressAsync(b, unknown, null, TestDefaults.TimeoutToken())).ShouldBeFalse();

        GitCli.Run(b.Path, "rev-parse", "HEAD").Trim().ShouldBe(head);
        File.Exists(Path.Combine(b.Path, "one.txt")).ShouldBeFalse();
        (await worker.Tasks.DiffAsync(b, TestDefaults.TimeoutToken())).ShouldBeEmpty();
    }

    [Fact]
    public async Task RestoreProgressAsync_NothingSaved_IsFalse()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("never saved");

        (await h.Tasks.RestoreProgressAsync(workspace, workspace.BaseCommit, null, TestDefaults.TimeoutToken())).ShouldBeFalse();
    }

    [Fact]
    public async Task RestoreProgressAsync_NotACommitId_IsRefused()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("hostile commit");

        await Should.ThrowAsync<ValidationException>(() => h.Tasks.RestoreProgressAsync(workspace, "--upload-pack=touch /tmp/x", null, TestDefaults.TimeoutToken()));
    }

    [Fact]
    public async Task SavedProgress_IsAHiddenRef_NoBranch_AndDropRemovesIt()
    {
        using var h = Harness.Create();
        var (a, _, second) = await TwoCommitsAsync(h, Harness.NewTaskId());
        await h.Tasks.SaveProgressAsync(a, null, TestDefaults.TimeoutToken());

        h.Repo.RemoteGit("for-each-ref", "--format=%(refname)", "refs/heads/").ShouldNotContain(a.TaskId);
        h.Repo.RemoteBranch(a.Branch).ShouldBeNull();
        RemoteRef(h, ProgressRef(a)).ShouldBe(second);

        await h.Tasks.PushAsync(a, null, TestDefaults.TimeoutToken());
        await h.Tasks.DropProgressAsync(a, null, TestDefaults.TimeoutToken());

        RemoteRef(h, ProgressRef(a)).ShouldBeNull();
        h.Repo.RemoteBranch(a.Branch).ShouldBe(second);
        // Dropping again finds nothing to delete and still does not fail.
        await h.Tasks.DropProgressAsync(a, null, TestDefaults.TimeoutToken());
    }

    [Fact]
    public async Task SaveProgressAsync_WithoutACommit_PushesNothing()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("nothing yet");

        await h.Tasks.SaveProgressAsync(workspace, null, TestDefaults.TimeoutToken());

        RemoteRef(h, ProgressRef(workspace)).ShouldBeNull();
    }

    [Fact]
    public async Task SaveProgressAsync_UnderALostLease_WritesNothing()
    {
        using var h = Harness.Create();
        var (a, _, _) = await TwoCommitsAsync(h, Harness.NewTaskId());

        await Should.ThrowAsync<LeaseLostException>(() => WriteFence.RunAsync(
            _ => throw new LeaseLostException(a.TaskId, "another worker holds it now"),
            async () =>
            {
                await h.Tasks.SaveProgressAsync(a, null, TestDefaults.TimeoutToken());
                return 0;
            }));

        RemoteRef(h, ProgressRef(a)).ShouldBeNull();
    }
}
