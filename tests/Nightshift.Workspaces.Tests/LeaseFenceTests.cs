using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

/// <summary>
/// An attempt that lost its lease writes no branch ref in the mirror, pushes nothing and removes nothing: the fence the
/// worker puts around its executor is checked just before each of those writes.
/// </summary>
public sealed class LeaseFenceTests
{
    private static Func<CancellationToken, Task> Lost(string taskId) =>
        _ => throw new LeaseLostException(taskId, "it was reclaimed and another worker holds it now");

    [Fact]
    public async Task CommitAsync_UnderALostLease_LeavesTheBranchRefWhereItWas()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("fenced");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "late.txt"), "written after the lease was lost\n");

        await Should.ThrowAsync<LeaseLostException>(() => WriteFence.RunAsync(
            Lost(workspace.TaskId),
            () => h.Tasks.CommitAsync(workspace, new CommitRequest("stale"), TestDefaults.TimeoutToken())));

        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "rev-parse", "refs/heads/" + workspace.Branch).Trim().ShouldBe(workspace.BaseCommit);
    }

    [Fact]
    public async Task PushAsync_UnderALostLease_PushesNothing()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("fenced push");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "feature.txt"), "f\n");
        await h.Tasks.CommitAsync(workspace, new CommitRequest("Add feature"), TestDefaults.TimeoutToken());

        await Should.ThrowAsync<LeaseLostException>(() => WriteFence.RunAsync(
            Lost(workspace.TaskId),
            async () =>
            {
                await h.Tasks.PushAsync(workspace, null, TestDefaults.TimeoutToken());
                return 0;
            }));

        h.Repo.RemoteBranch(workspace.Branch).ShouldBeNull();
    }

    [Fact]
    public async Task ReleaseAsync_UnderALostLease_KeepsTheWorktreeTheNewOwnerUses()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("fenced release");

        await Should.ThrowAsync<LeaseLostException>(() => WriteFence.RunAsync(
            Lost(workspace.TaskId),
            async () =>
            {
                await h.Tasks.ReleaseAsync(workspace, keep: false, TestDefaults.TimeoutToken());
                return 0;
            }));

        Directory.Exists(workspace.Path).ShouldBeTrue();
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "rev-parse", "refs/heads/" + workspace.Branch).Trim().ShouldBe(workspace.BaseCommit);
    }

    [Fact]
    public async Task CommitAsync_UnderAFenceThatHolds_CommitsAndChecksBeforeMovingTheBranch()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("held");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");
        var checks = 0;

        var result = await WriteFence.RunAsync(
            _ =>
            {
                Interlocked.Increment(ref checks);
                return Task.CompletedTask;
            },
            () => h.Tasks.CommitAsync(workspace, new CommitRequest("held"), TestDefaults.TimeoutToken()));

        checks.ShouldBe(1);
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "rev-parse", "refs/heads/" + workspace.Branch).Trim().ShouldBe(result!.Commit);
    }
}
