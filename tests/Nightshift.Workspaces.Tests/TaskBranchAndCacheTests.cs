using Nightshift.Core.Errors;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

public sealed class TaskBranchAndCacheTests
{
    [Fact]
    public async Task RenameBranchAsync_NewName_WorktreeCommitAndPushFollowIt()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("rename me");

        var renamed = await h.Tasks.RenameBranchAsync(workspace, "bots/" + workspace.Branch["nightshift/".Length..], TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(renamed.Path, "a.txt"), "a\n");
        var commit = await h.Tasks.CommitAsync(renamed, new CommitRequest("Add a"), TestDefaults.TimeoutToken());
        await h.Tasks.PushAsync(renamed, cancellationToken: TestDefaults.TimeoutToken());

        renamed.Branch.ShouldStartWith("bots/");
        GitCli.Run(renamed.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(renamed.Branch);
        h.Repo.RemoteBranch(renamed.Branch).ShouldBe(commit.ShouldNotBeNull().Commit);
        h.Repo.RemoteBranch(workspace.Branch).ShouldBeNull();
        GitCli.TryRun(h.Data, null, "--git-dir", h.MirrorOf(workspace), "rev-parse", "--verify", "--quiet", "refs/heads/" + workspace.Branch).ExitCode.ShouldNotBe(0);
        (await h.Tasks.PrepareAsync(new WorkspaceRequest(workspace.TaskId, h.Repo.RemotePath), TestDefaults.TimeoutToken())).Branch.ShouldBe(renamed.Branch);
    }

    [Fact]
    public async Task RenameBranchAsync_SameName_DoesNothing()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        (await h.Tasks.RenameBranchAsync(workspace, workspace.Branch, TestDefaults.TimeoutToken())).ShouldBe(workspace);
    }

    [Theory]
    [InlineData("-f")]
    [InlineData("a..b")]
    [InlineData("has space")]
    [InlineData("x@{1}")]
    [InlineData("")]
    public async Task RenameBranchAsync_InvalidName_IsRefusedAndTheBranchStays(string name)
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        (await Should.ThrowAsync<ValidationException>(() => h.Tasks.RenameBranchAsync(workspace, name, TestDefaults.TimeoutToken()))).Message.ShouldContain("is not a valid branch name");
        GitCli.Run(workspace.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(workspace.Branch);
    }

    [Fact]
    public async Task TaskCacheFolder_ReleasedWorktree_TakesTheCacheAlong()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        var other = await h.PrepareAsync("y");
        var cache = h.Tasks.TaskCacheFolder(workspace);
        var otherCache = h.Tasks.TaskCacheFolder(other);
        await File.WriteAllTextAsync(Path.Combine(cache, "planted"), "x");

        await h.Tasks.ReleaseAsync(workspace, cancellationToken: TestDefaults.TimeoutToken());

        cache.ShouldNotBe(otherCache);
        Directory.Exists(cache).ShouldBeFalse();
        Directory.Exists(otherCache).ShouldBeTrue();
        File.Exists(Path.Combine(otherCache, "planted")).ShouldBeFalse();
    }
}
