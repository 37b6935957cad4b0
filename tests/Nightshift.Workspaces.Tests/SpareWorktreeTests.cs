using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

/// <summary>Worktrees checked out ahead of need (Workspaces:SpareWorktrees) and taken by the next task on the repository.</summary>
public sealed class SpareWorktreeTests
{
    private const string TakenLine = "made from a spare worktree";

    [Fact]
    public async Task PrepareAsync_SpareReady_TakesItAndMatchesAFreshCheckout()
    {
        using var h = Harness.Create();
        h.Repo.Commit("files", ("src/a.txt", "a\n"), ("src/deep/b.txt", "b\n"), ("tool.sh", "#!/bin/sh\n"));
        var first = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var spare = h.Spares(first).Where(s => !s.Contains('.', StringComparison.Ordinal)).ShouldHaveSingleItem();
        h.Spares(first).ShouldBe([spare, spare + ".ready"]);
        File.ReadAllText(Path.Combine(h.Data, "spares", first.Repository.Key, spare + ".ready")).Trim().ShouldBe(first.BaseCommit);

        var second = await h.PrepareAsync("two");

        h.Logger.Lines.Count(l => l.Contains(TakenLine, StringComparison.Ordinal)).ShouldBe(1, string.Join("\n", h.Logger.Lines));
        h.Spares(second).ShouldNotContain(spare);
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(second), "worktree", "list", "--porcelain").ShouldContain("worktree " + second.Path + "\n");
        AssertFreshCheckout(h, second);
        // The record names the spare's git folder: committing refreshes the worktree's own index through it.
        await File.WriteAllTextAsync(Path.Combine(second.Path, "src", "a.txt"), "edited\n");
        var commit = await h.Tasks.CommitAsync(second, new CommitRequest("edit"), TestDefaults.TimeoutToken());
        commit!.ChangedPaths.ShouldBe(["src/a.txt"]);
        GitCli.Run(second.Path, "status", "--porcelain", "--untracked-files=all").ShouldBeEmpty();
    }

    [Fact]
    public async Task PrepareAsync_RemoteMovedSinceTheSpareWasMade_SwitchesItToTheNewCommit()
    {
        using var h = Harness.Create();
        h.Repo.Commit("files", ("keep.txt", "keep\n"), ("change.txt", "old\n"), ("gone/x.txt", "gone\n"));
        var first = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var keepInode = Harness.Inode(Path.Combine(h.Data, "spares", first.Repository.Key, h.Spares(first)[0], "keep.txt"));
        File.Delete(Path.Combine(h.Repo.WorkPath, "gone", "x.txt"));
        var newTip = h.Repo.Commit("moved on", ("change.txt", "new\n"), ("added/new.txt", "added\n"));

        var second = await h.PrepareAsync("two");

        h.Logger.Lines.ShouldContain(l => l.Contains(TakenLine, StringComparison.Ordinal) && l.Contains(first.BaseCommit, StringComparison.Ordinal));
        second.BaseCommit.ShouldBe(newTip);
        // Only the files that differ were written: an unchanged one is still the spare's.
        Harness.Inode(Path.Combine(second.Path, "keep.txt")).ShouldBe(keepInode);
        File.ReadAllText(Path.Combine(second.Path, "change.txt")).ShouldBe("new\n");
        File.ReadAllText(Path.Combine(second.Path, "added", "new.txt")).ShouldBe("added\n");
        File.Exists(Path.Combine(second.Path, "gone", "x.txt")).ShouldBeFalse();
        Directory.Exists(Path.Combine(second.Path, "gone")).ShouldBeFalse();
        AssertFreshCheckout(h, second);
        // The first task's worktree is not touched by the spare it left behind being switched.
        File.ReadAllText(Path.Combine(first.Path, "change.txt")).ShouldBe("old\n");
    }

    [Fact]
    public async Task PrepareAsync_TwoAtOnceWithOneSpare_EachGetsItsOwnCorrectWorktree()
    {
        using var h = Harness.Create();
        h.Repo.Commit("files", ("a.txt", "a\n"));
        await h.PrepareAsync("zero");
        await h.SparesSettledAsync();
        var tip = h.Repo.Commit("moved on", ("b.txt", "b\n"));

        var both = await Task.WhenAll(h.PrepareAsync("one"), h.PrepareAsync("two"));

        h.Logger.Lines.Count(l => l.Contains(TakenLine, StringComparison.Ordinal)).ShouldBe(1);
        both[0].Path.ShouldNotBe(both[1].Path);
        both[0].Branch.ShouldNotBe(both[1].Branch);
        var list = GitCli.Run(h.Data, "--git-dir", h.MirrorOf(both[0]), "worktree", "list", "--porcelain");
        foreach (var workspace in both)
        {
            workspace.BaseCommit.ShouldBe(tip);
            list.ShouldContain("worktree " + workspace.Path + "\n");
            AssertFreshCheckout(h, workspace);
        }
    }

    [Fact]
    public async Task ReleaseAsync_SpareWaiting_LeavesItReady()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var before = h.Spares(workspace);

        await h.Tasks.ReleaseAsync(workspace);

        h.Spares(workspace).ShouldBe(before);
        var spare = Path.Combine(h.Data, "spares", workspace.Repository.Key, before[0]);
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "worktree", "list", "--porcelain").ShouldContain("worktree " + spare + "\n");
        GitCli.Run(spare, "status", "--porcelain", "--untracked-files=all").ShouldBeEmpty();
    }

    [Fact]
    public async Task PrepareAsync_SparesOff_MakesNone()
    {
        using var h = Harness.Create(workspaces: o => o.SpareWorktrees = 0);
        var first = await h.PrepareAsync("one");
        var second = await h.PrepareAsync("two");
        await h.SparesSettledAsync();

        Directory.Exists(Path.Combine(h.Data, "spares")).ShouldBeFalse();
        Directory.GetDirectories(Path.Combine(h.MirrorOf(first), "worktrees")).Length.ShouldBe(2);
        h.Logger.Lines.ShouldNotContain(l => l.Contains(TakenLine, StringComparison.Ordinal));
        AssertFreshCheckout(h, second);
    }

    [Fact]
    public async Task PrepareAsync_TwoSparesConfigured_KeepsTwoReady()
    {
        using var h = Harness.Create(workspaces: o => o.SpareWorktrees = 2);
        var workspace = await h.PrepareAsync("one");
        await h.SparesSettledAsync();

        h.Spares(workspace).Count(s => s.EndsWith(".ready", StringComparison.Ordinal)).ShouldBe(2);
        await h.PrepareAsync("two");
        await h.SparesSettledAsync();
        h.Spares(workspace).Count(s => s.EndsWith(".ready", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Theory]
    [InlineData("dot-git")]
    [InlineData("commondir")]
    public async Task PrepareAsync_SpareDamaged_DeletedAndCheckedOutAfresh(string damage)
    {
        using var h = Harness.Create();
        var first = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var name = h.Spares(first)[0];
        // A spare whose .git no longer names a worktree of the mirror, or whose git folder leads to another
        // repository (whose config git would read during the switch), is never switched.
        if (damage == "dot-git")
        {
            File.WriteAllText(Path.Combine(h.Data, "spares", first.Repository.Key, name, ".git"), "gitdir: /nowhere\n");
        }
        else
        {
            var decoy = Path.Combine(h.Repo.Root, "decoy.git");
            GitCli.Run(h.Repo.Root, "init", "--quiet", "--bare", decoy);
            File.WriteAllText(Path.Combine(h.MirrorOf(first), "worktrees", name, "commondir"), decoy + "\n");
        }

        var second = await h.PrepareAsync("two");

        // Refused before git runs in it, not by a failing switch.
        h.Logger.Lines.ShouldContain(l => l.Contains("taking a spare worktree", StringComparison.Ordinal) && l.Contains("not a whole worktree of the mirror", StringComparison.Ordinal), string.Join("\n", h.Logger.Lines));
        h.Spares(second).ShouldNotContain(name);
        Directory.Exists(Path.Combine(h.MirrorOf(first), "worktrees", name)).ShouldBeFalse();
        AssertFreshCheckout(h, second);
    }

    [Fact]
    public async Task DisposeAsync_SpareBeingMade_StopsTheJobAndLeavesNoHalfMadeSpare()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("one");

        await h.Services.DisposeAsync();

        await h.Services.Pool.WhenSparesSettledAsync();
        h.Spares(workspace).ShouldBeEmpty();
        (await h.PrepareAsync("after")).Path.ShouldStartWith(h.Data);
        await h.Services.Pool.WhenSparesSettledAsync();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("9")]
    public void AddNightshiftWorkspaces_SpareWorktreesOutOfRange_RefusedNamingTheSetting(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Workspaces:SpareWorktrees"] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddNightshiftWorkspaces().BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WorkspaceOptions>>().Value);

        error.Message.ShouldContain($"Workspaces:SpareWorktrees is {value}; give a whole number from 0 to 8");
    }

    [Fact]
    public void AddNightshiftWorkspaces_SpareWorktreesDefault_IsOne()
    {
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging().AddNightshiftWorkspaces().BuildServiceProvider();

        provider.GetRequiredService<IOptions<WorkspaceOptions>>().Value.SpareWorktrees.ShouldBe(1);
    }

    [Fact]
    public async Task CollectAsync_ReadySpareOlderThanADay_Removed()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var name = h.Spares(workspace)[0];

        (await h.Collector.CollectAsync(TestDefaults.TimeoutToken())).SparesRemoved.ShouldBe(0);
        h.Clock.Advance(TimeSpan.FromHours(25));
        var report = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.SparesRemoved.ShouldBe(1);
        report.WorktreesRemoved.ShouldBe(0);
        h.Spares(workspace).ShouldBeEmpty();
        Directory.Exists(Path.Combine(h.MirrorOf(workspace), "worktrees", name)).ShouldBeFalse();
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "worktree", "list").ShouldNotContain(name);
        Directory.Exists(workspace.Path).ShouldBeTrue();
    }

    [Fact]
    public async Task CollectAsync_HalfMadeSpare_RemovedAfterAFewMinutesWhileTheReadyOneStays()
    {
        using var h = Harness.Create(workspaces: o => o.SpareWorktrees = 2);
        var workspace = await h.PrepareAsync("one");
        await h.SparesSettledAsync();
        var names = h.Spares(workspace).Where(s => !s.Contains('.', StringComparison.Ordinal)).ToList();
        names.Count.ShouldBe(2);
        // As a crash between the checkout and its marker leaves it.
        File.Delete(Path.Combine(h.Data, "spares", workspace.Repository.Key, names[0] + ".ready"));

        (await h.Collector.CollectAsync(TestDefaults.TimeoutToken())).SparesRemoved.ShouldBe(0);
        h.Clock.Advance(TimeSpan.FromMinutes(11));
        var report = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.SparesRemoved.ShouldBe(1);
        h.Spares(workspace).ShouldBe([names[1], names[1] + ".ready"]);
        Directory.Exists(Path.Combine(h.MirrorOf(workspace), "worktrees", names[0])).ShouldBeFalse();
        Directory.Exists(Path.Combine(h.MirrorOf(workspace), "worktrees", names[1])).ShouldBeTrue();
    }

    [Fact]
    public async Task CollectAsync_MirrorEvicted_ItsSparesGoToo()
    {
        using var h = Harness.Create(workspaces: o => o.MirrorDiskBudgetBytes = 0);
        var workspace = await h.PrepareAsync("one");
        await h.Tasks.ReleaseAsync(workspace);
        await h.SparesSettledAsync();
        h.Spares(workspace).ShouldNotBeEmpty();

        var report = await h.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.MirrorsEvicted.ShouldBe(1);
        Directory.Exists(Path.Combine(h.Data, "spares", workspace.Repository.Key)).ShouldBeFalse();
        var next = await h.PrepareAsync("two");
        h.Logger.Lines.ShouldNotContain(l => l.Contains(TakenLine, StringComparison.Ordinal));
        AssertFreshCheckout(h, next);
    }

    /// <summary>Exactly the base commit's files, nothing else, on the task's branch, and git sees nothing to report.</summary>
    internal static void AssertFreshCheckout(Harness h, Workspace workspace)
    {
        var expected = GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "ls-tree", "-r", "--name-only", workspace.BaseCommit)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        var actual = Directory.EnumerateFiles(workspace.Path, "*", options)
            .Select(f => Path.GetRelativePath(workspace.Path, f))
            .Where(f => f != ".git")
            .Order(StringComparer.Ordinal).ToList();
        actual.ShouldBe(expected);
        var folders = Directory.EnumerateDirectories(workspace.Path, "*", options).Select(d => Path.GetRelativePath(workspace.Path, d)).ToHashSet();
        folders.ShouldBe(expected.Select(Path.GetDirectoryName).Where(d => d is { Length: > 0 }).SelectMany(Ancestors).ToHashSet(), ignoreOrder: true);
        GitCli.Run(workspace.Path, "status", "--porcelain", "--untracked-files=all", "--ignored").ShouldBeEmpty();
        GitCli.Run(workspace.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(workspace.Branch);
        GitCli.Run(workspace.Path, "rev-parse", "HEAD").Trim().ShouldBe(workspace.BaseCommit);
    }

    private static IEnumerable<string> Ancestors(string? folder)
    {
        for (var current = folder; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            yield return current;
        }
    }
}
