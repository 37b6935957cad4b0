using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

public sealed class WarmMirrorTests
{
    [Fact]
    public async Task PrepareAsync_WarmMirrorRemoteHeadMovedToNewBranch_BasesOnTheNewBranchTip()
    {
        using var h = Harness.Create();
        (await h.PrepareAsync("first")).BaseBranch.ShouldBe("main");
        h.Repo.Git("checkout", "--quiet", "-b", "develop");
        var developTip = h.Repo.Commit("on develop", ("dev.txt", "d\n"));
        h.Repo.RemoteGit("symbolic-ref", "HEAD", "refs/heads/develop");

        // The default branch is asked for while the fetch runs; the branch it names must already be fetched.
        var second = await h.PrepareAsync("second");

        second.BaseBranch.ShouldBe("develop");
        second.BaseCommit.ShouldBe(developTip);
        File.ReadAllText(Path.Combine(second.Path, "dev.txt")).ShouldBe("d\n");
    }

    [Fact]
    public async Task PrepareAsync_WarmMirrorRemoteBranchBroken_ReportsTheFetchFailure()
    {
        using var h = Harness.Create();
        await h.PrepareAsync("first");
        // The remote still answers which branch is its default, but cannot send that branch's commit.
        File.WriteAllText(Path.Combine(h.Repo.RemotePath, "refs", "heads", "main"), new string('1', 40) + "\n");

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.PrepareAsync("second"));

        error.Message.ShouldContain("fetching");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task PrepareAsync_ManyFiles_CheckoutMatchesTheBaseWhateverTheWorkerCount(int workers)
    {
        using var h = Harness.Create(workspaces: o => o.CheckoutWorkers = workers);
        // Above git's threshold (100 files) for handing a checkout to parallel workers.
        var files = Enumerable.Range(0, 300).Select(i => ($"src/d{i % 7}/f{i:d3}.txt", $"content {i}\n")).ToArray();
        var tip = h.Repo.Commit("many files", files);

        var workspace = await h.PrepareAsync("many");

        workspace.BaseCommit.ShouldBe(tip);
        GitCli.Run(workspace.Path, "status", "--porcelain", "--untracked-files=all").ShouldBeEmpty();
        foreach (var (path, content) in files)
        {
            File.ReadAllText(Path.Combine(workspace.Path, path)).ShouldBe(content);
        }
    }
}
