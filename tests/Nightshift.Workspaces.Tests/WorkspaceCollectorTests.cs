using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Internal;

namespace Nightshift.Workspaces.Tests;

public sealed class WorkspaceCollectorTests
{
    [Fact]
    public async Task CollectAsync_KeptWorktree_RemovedOnlyAfterRetention()
    {
        using var h = Harness.Create(workspaces: o => o.FailedWorktreeRetention = TimeSpan.FromHours(24));
        var workspace = await h.PrepareAsync("failed task");
        await h.Tasks.ReleaseAsync(workspace, keep: true);

        var early = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());
        Directory.Exists(workspace.Path).ShouldBeTrue();
        h.Clock.Advance(TimeSpan.FromHours(25));
        var late = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        early.WorktreesRemoved.ShouldBe(0);
        late.WorktreesRemoved.ShouldBe(1);
        Directory.Exists(workspace.Path).ShouldBeFalse();
        GitCli.TryRun(h.Data, null, "--git-dir", h.MirrorOf(workspace), "rev-parse", "--verify", "--quiet", "refs/heads/" + workspace.Branch).ExitCode.ShouldNotBe(0);
    }

    [Fact]
    public async Task CollectAsync_ActiveWorktree_KeptUntilAbandoned()
    {
        using var h = Harness.Create(workspaces: o => o.AbandonedWorktreeRetention = TimeSpan.FromDays(7));
        var workspace = await h.PrepareAsync("running task");

        h.Clock.Advance(TimeSpan.FromDays(1));
        (await h.Collector.CollectAsync()).WorktreesRemoved.ShouldBe(0);
        Directory.Exists(workspace.Path).ShouldBeTrue();
        h.Clock.Advance(TimeSpan.FromDays(7));
        (await h.Collector.CollectAsync()).WorktreesRemoved.ShouldBe(1);
        Directory.Exists(workspace.Path).ShouldBeFalse();
    }

    [Fact]
    public async Task CollectAsync_WorktreeFolderGone_GitBookkeepingPrunedAndStrayFoldersRemoved()
    {
        using var h = Harness.Create(workspaces: o => o.AbandonedWorktreeRetention = TimeSpan.FromHours(1));
        var workspace = await h.PrepareAsync("x");
        var mirror = h.MirrorOf(workspace);
        Directory.Delete(workspace.Path, recursive: true);
        File.Delete(Path.Combine(h.Data, "workspaces", workspace.TaskId + ".json"));
        var stray = Path.Combine(h.Data, "worktrees", "stray");
        Directory.CreateDirectory(stray);
        h.Clock.Advance(TimeSpan.FromHours(2));

        await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        GitCli.Run(h.Data, "--git-dir", mirror, "worktree", "list").ShouldNotContain(workspace.Path);
        Directory.Exists(Path.Combine(mirror, "worktrees", workspace.TaskId)).ShouldBeFalse();
        Directory.Exists(stray).ShouldBeFalse();
    }

    [Fact]
    public async Task CollectAsync_MirrorsOverBudget_EvictsTheLeastRecentlyUsedIdleOne()
    {
        using var h = Harness.Create();
        var other = Path.Combine(h.Repo.Root, "other.git");
        GitCli.Run(h.Repo.Root, "clone", "--quiet", "--bare", h.Repo.RemotePath, other);
        var old = await h.PrepareAsync("old");
        h.Clock.Advance(TimeSpan.FromHours(1));
        var recent = await h.PrepareAsync("recent", repository: other);
        await h.Tasks.ReleaseAsync(old);
        await h.Tasks.ReleaseAsync(recent);
        // A spare's bookkeeping lives in its mirror: the sizes are only stable once the spares are made.
        await h.SparesSettledAsync();
        h.Options.MirrorDiskBudgetBytes = FileTrees.Size(h.MirrorOf(recent)) + 1;

        var report = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.MirrorsEvicted.ShouldBe(1);
        Directory.Exists(h.MirrorOf(old)).ShouldBeFalse();
        Directory.Exists(h.MirrorOf(recent)).ShouldBeTrue();
        report.MirrorBytes.ShouldBeLessThanOrEqualTo(h.Options.MirrorDiskBudgetBytes);
    }

    [Fact]
    public async Task CollectAsync_MirrorInUse_NeverEvicted()
    {
        using var h = Harness.Create(workspaces: o => o.MirrorDiskBudgetBytes = 0);
        var workspace = await h.PrepareAsync("busy");

        var report = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.MirrorsEvicted.ShouldBe(0);
        Directory.Exists(h.MirrorOf(workspace)).ShouldBeTrue();
        (await h.Tasks.DiffAsync(workspace)).ShouldBeEmpty();
    }

    [Fact]
    public async Task CollectAsync_EvictedMirror_RecreatedOnNextUse()
    {
        using var h = Harness.Create(workspaces: o => o.MirrorDiskBudgetBytes = 0);
        var first = await h.PrepareAsync("one");
        await h.Tasks.ReleaseAsync(first);
        (await h.Collector.CollectAsync()).MirrorsEvicted.ShouldBe(1);

        var second = await h.PrepareAsync("two");

        File.Exists(Path.Combine(second.Path, "README.md")).ShouldBeTrue();
    }
}
