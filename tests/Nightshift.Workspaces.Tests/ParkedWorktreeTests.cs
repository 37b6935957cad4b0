using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

public sealed class ParkedWorktreeTests
{
    [Fact]
    public async Task PrepareAsync_AfterARelease_ReusesTheFolderButRestoresExactlyTheBaseTree()
    {
        // No spares: a ready spare is preferred to a parked folder, and this test is about the parked one.
        using var h = Harness.Create(workspaces: o =>
        {
            o.MaxParkedWorktrees = 2;
            o.SpareWorktrees = 0;
        });
        h.Repo.Commit("files", ("src/keep.txt", "keep\n"), ("src/plain.txt", "plain\n"), ("src/gone.txt", "gone\n"), ("tool.sh", "#!/bin/sh\n"), ("lib/x.txt", "tracked\n"));
        var first = await h.PrepareAsync("one");
        var outside = h.Repo.NewFolder("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "x.txt"), "outside\n");
        var keepInode = Harness.Inode(Path.Combine(first.Path, "src", "keep.txt"));
        await File.WriteAllTextAsync(Path.Combine(first.Path, "README.md"), "tampered\n");
        File.Delete(Path.Combine(first.Path, "src", "gone.txt"));
        await File.WriteAllTextAsync(Path.Combine(first.Path, "leftover.txt"), "agent junk");
        Directory.CreateDirectory(Path.Combine(first.Path, "build", "obj"));
        await File.WriteAllTextAsync(Path.Combine(first.Path, "build", "obj", "out.dll"), "bin");
        Directory.CreateDirectory(Path.Combine(first.Path, "nested"));
        GitCli.Run(Path.Combine(first.Path, "nested"), "init", "--quiet");
        File.SetUnixFileMode(Path.Combine(first.Path, "src", "plain.txt"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(first.Path, "tool.sh"), UnixFileMode.SetUser | (UnixFileMode)0b110_100_100);
        Directory.Delete(Path.Combine(first.Path, "lib"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(first.Path, "lib"), outside);
        await h.Tasks.ReleaseAsync(first);
        Directory.Exists(first.Path).ShouldBeFalse();
        var pool = Path.Combine(h.Data, "parked", first.Repository.Key);
        Directory.EnumerateDirectories(pool).Count().ShouldBe(1);
        var newTip = h.Repo.Commit("moved on", ("src/new.txt", "new\n"));

        var second = await h.PrepareAsync("two");

        Directory.EnumerateDirectories(pool).ShouldBeEmpty();
        second.BaseCommit.ShouldBe(newTip);
        h.Logger.Lines.ShouldNotContain(l => l.Contains("reusing a parked worktree", StringComparison.Ordinal), string.Join("\n", h.Logger.Lines));
        Harness.Inode(Path.Combine(second.Path, "src", "keep.txt")).ShouldBe(keepInode);
        File.ReadAllText(Path.Combine(second.Path, "README.md")).ShouldBe("# sample\n");
        File.ReadAllText(Path.Combine(second.Path, "src", "gone.txt")).ShouldBe("gone\n");
        File.ReadAllText(Path.Combine(second.Path, "src", "new.txt")).ShouldBe("new\n");
        File.Exists(Path.Combine(second.Path, "leftover.txt")).ShouldBeFalse();
        new DirectoryInfo(Path.Combine(second.Path, "lib")).LinkTarget.ShouldBeNull();
        File.ReadAllText(Path.Combine(second.Path, "lib", "x.txt")).ShouldBe("tracked\n");
        File.ReadAllText(Path.Combine(outside, "x.txt")).ShouldBe("outside\n");
        Directory.Exists(Path.Combine(second.Path, "build")).ShouldBeFalse();
        Directory.Exists(Path.Combine(second.Path, "nested")).ShouldBeFalse();
        (File.GetUnixFileMode(Path.Combine(second.Path, "src", "plain.txt")) & UnixFileMode.UserExecute).ShouldBe(UnixFileMode.None);
        (File.GetUnixFileMode(Path.Combine(second.Path, "tool.sh")) & UnixFileMode.SetUser).ShouldBe(UnixFileMode.None);
        GitCli.Run(second.Path, "status", "--porcelain", "--ignored").ShouldBeEmpty();
        GitCli.Run(second.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(second.Branch);
        await File.WriteAllTextAsync(Path.Combine(second.Path, "src", "keep.txt"), "edited\n");
        var commit = await h.Tasks.CommitAsync(second, new CommitRequest("edit"), TestDefaults.TimeoutToken());
        commit!.ChangedPaths.ShouldBe(["src/keep.txt"]);
    }

    [Fact]
    public async Task ReleaseAsync_ReuseOffByDefault_DeletesTheFolder()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        await h.Tasks.ReleaseAsync(workspace);

        Directory.Exists(Path.Combine(h.Data, "parked", workspace.Repository.Key)).ShouldBeFalse();
        Directory.Exists(workspace.Path).ShouldBeFalse();
    }

    [Fact]
    public async Task ReleaseAsync_PoolFull_DeletesInsteadOfParking()
    {
        using var h = Harness.Create(workspaces: o => o.MaxParkedWorktrees = 1);
        var a = await h.PrepareAsync("a");
        var b = await h.PrepareAsync("b");

        await h.Tasks.ReleaseAsync(a);
        await h.Tasks.ReleaseAsync(b);

        Directory.EnumerateDirectories(Path.Combine(h.Data, "parked", a.Repository.Key)).Count().ShouldBe(1);
    }

    [Fact]
    public async Task CollectAsync_ParkedLongerThanRetention_Removed()
    {
        using var h = Harness.Create(workspaces: o =>
        {
            o.MaxParkedWorktrees = 2;
            o.AbandonedWorktreeRetention = TimeSpan.FromHours(1);
        });
        var workspace = await h.PrepareAsync("x");
        await h.Tasks.ReleaseAsync(workspace);
        var pool = Path.Combine(h.Data, "parked", workspace.Repository.Key);

        await h.Collector.CollectAsync(TestDefaults.TimeoutToken());
        Directory.EnumerateDirectories(pool).Count().ShouldBe(1);
        h.Clock.Advance(TimeSpan.FromHours(2));
        await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        Directory.EnumerateDirectories(pool).ShouldBeEmpty();
    }
}
