using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Workspaces.Tests.SetupCache;

public sealed class SetupCacheStoreTests
{
    private static readonly TimeSpan SetupTook = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task RestoreAsync_AfterAStore_CopiesTheFilesLinksAndModesIntoAFreshWorktreeAndCache()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        var save = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, ["package-lock.json"]);
        var target = fixture.NewFolder();
        var targetCache = fixture.NewFolder();

        var restore = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), target, targetCache);

        save.Stored.ShouldBeTrue(save.Reason);
        save.Entry!.Files.ShouldBe(4);
        restore.Hit.ShouldBeTrue(restore.Reason);
        restore.Entry!.SetupMs.ShouldBe(40_000);
        restore.Entry.Hits.ShouldBe(1);
        File.ReadAllText(Path.Join(target, "node_modules", "dep", "index.js")).ShouldBe(new string('x', 100));
        new FileInfo(Path.Join(target, "node_modules", ".bin", "dep")).LinkTarget.ShouldBe("../dep/bin/cli.js");
        File.GetUnixFileMode(Path.Join(target, "node_modules", "dep", "bin", "cli.js")).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
        File.ReadAllText(Path.Join(targetCache, "npm", "_cacache", "blob")).ShouldBe("cached tarball");
        File.Exists(Path.Join(target, "tracked.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task RestoreAsync_NothingStored_MissesWithTheReason()
    {
        using var fixture = new SetupCacheFixture();

        var restore = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), fixture.NewFolder(), fixture.NewFolder());

        restore.Hit.ShouldBeFalse();
        restore.Reason.ShouldNotBeNull().ShouldContain("no entry for key aaaaaaaaaaaa");
    }

    [Fact]
    public async Task RestoreAsync_PoisonedEntryOfRepositoryA_IsNeverUsedForRepositoryBOrAnotherOrganisation()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        File.WriteAllText(Path.Join(worktree, "node_modules", "dep", "index.js"), "POISON");
        (await fixture.Store.StoreAsync(SetupCacheFixture.Key(repo: "repo-a"), worktree, output, cache, SetupTook, [])).Stored.ShouldBeTrue();

        var otherRepository = fixture.NewFolder();
        var otherOrganisation = fixture.NewFolder();
        var forB = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(repo: "repo-b"), otherRepository, fixture.NewFolder());
        var forOtherOrg = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(org: "org-2", repo: "repo-a"), otherOrganisation, fixture.NewFolder());

        forB.Hit.ShouldBeFalse();
        forOtherOrg.Hit.ShouldBeFalse();
        Directory.EnumerateFileSystemEntries(otherRepository).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(otherOrganisation).ShouldBeEmpty();
        fixture.Store.List("org-2").ShouldBeEmpty();
        fixture.Store.List("org-1").ShouldHaveSingleItem().RepoKey.ShouldBe("repo-a");
    }

    [Fact]
    public async Task RestoreAsync_TaskChangedItsRestoredCopy_NextRestoreIsByteIdenticalToTheStore()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        var original = File.ReadAllBytes(Path.Join(worktree, "node_modules", "dep", "index.js"));
        await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);
        var first = fixture.NewFolder();
        var firstCache = fixture.NewFolder();
        (await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), first, firstCache)).Hit.ShouldBeTrue();

        File.WriteAllText(Path.Join(first, "node_modules", "dep", "index.js"), "changed by the task");
        File.AppendAllText(Path.Join(firstCache, "npm", "_cacache", "blob"), " and poisoned");
        File.Delete(Path.Join(first, "node_modules", "dep", "bin", "cli.js"));
        var second = fixture.NewFolder();
        var secondCache = fixture.NewFolder();
        (await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), second, secondCache)).Hit.ShouldBeTrue();

        File.ReadAllBytes(Path.Join(second, "node_modules", "dep", "index.js")).ShouldBe(original);
        File.ReadAllText(Path.Join(secondCache, "npm", "_cacache", "blob")).ShouldBe("cached tarball");
        File.Exists(Path.Join(second, "node_modules", "dep", "bin", "cli.js")).ShouldBeTrue();
    }

    [Fact]
    public async Task RestoreAsync_WorktreeHoldsALinkWhereTheEntryHasAFolder_RestoresNothingThroughIt()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);
        var outside = fixture.NewFolder();
        var target = fixture.NewFolder();
        // A repository can commit node_modules as a link to anywhere; the restore must not write through it.
        File.CreateSymbolicLink(Path.Join(target, "node_modules"), outside);

        var restore = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), target, fixture.NewFolder());

        restore.Hit.ShouldBeFalse();
        restore.Reason.ShouldNotBeNull().ShouldContain("symbolic link");
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
        fixture.Store.List().ShouldHaveSingleItem("the entry itself is sound and stays");
    }

    [Fact]
    public async Task RestoreAsync_EntryTamperedWithALinkOut_IsRefusedRemovedAndLeavesNothing()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        var save = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);
        File.CreateSymbolicLink(Path.Join(save.Entry!.Folder, "worktree", "node_modules", "escape"), "/etc/passwd");
        var target = fixture.NewFolder();
        var targetCache = fixture.NewFolder();

        var restore = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), target, targetCache);

        restore.Hit.ShouldBeFalse();
        restore.Reason.ShouldNotBeNull().ShouldContain("leads outside");
        Directory.EnumerateFileSystemEntries(target).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(targetCache).ShouldBeEmpty();
        fixture.Store.List().ShouldBeEmpty();
    }

    [Fact]
    public async Task StoreAsync_SetupChangedTrackedFiles_IsNotStoredAndSaysWhich()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();

        var save = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output with { ChangedTracked = ["src/version.txt"] }, cache, SetupTook, []);

        save.Stored.ShouldBeFalse();
        save.Reason.ShouldNotBeNull().ShouldContain("src/version.txt");
        fixture.Store.List().ShouldBeEmpty();
    }

    [Fact]
    public async Task StoreAsync_SetupMadeALinkOutOrAFifo_IsNotStoredWithTheReason()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        File.CreateSymbolicLink(Path.Join(worktree, "node_modules", "passwd"), "../../../../../../etc/passwd");
        var linkOut = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output with { Untracked = [.. output.Untracked, "node_modules/passwd"] }, cache, SetupTook, []);
        var (worktree2, cache2, output2) = fixture.SetupResult();
        Mkfifo(Path.Join(cache2, "npm", "pipe"));
        var fifo = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree2, output2, cache2, SetupTook, []);

        linkOut.Stored.ShouldBeFalse();
        linkOut.Reason.ShouldNotBeNull().ShouldContain("leads outside");
        fifo.Stored.ShouldBeFalse();
        fifo.Reason.ShouldNotBeNull().ShouldContain("FIFO");
        fixture.Store.List().ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(Path.Join(fixture.Options.Folder!, ".staging")).ShouldBeEmpty();
    }

    [Fact]
    public async Task StoreAsync_ResultBiggerThanMaxEntryBytes_IsNotStoredAndNamesTheSetting()
    {
        using var fixture = new SetupCacheFixture(maxBytes: 1L << 30, maxEntryBytes: 50_000);
        var (worktree, cache, output) = fixture.SetupResult(depBytes: 60_000);

        var save = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);

        save.Stored.ShouldBeFalse();
        save.Reason.ShouldNotBeNull().ShouldContain("Sandbox:SetupCache:MaxEntryBytes");
        fixture.Store.List().ShouldBeEmpty();
    }

    [Fact]
    public async Task StoreAsync_SameKeyTwice_FirstWins()
    {
        using var fixture = new SetupCacheFixture();
        var (worktree, cache, output) = fixture.SetupResult();
        var first = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);
        File.WriteAllText(Path.Join(worktree, "node_modules", "dep", "index.js"), "second");

        var second = await fixture.Store.StoreAsync(SetupCacheFixture.Key(), worktree, output, cache, SetupTook, []);

        first.Stored.ShouldBeTrue();
        second.Stored.ShouldBeFalse();
        second.Reason.ShouldNotBeNull().ShouldContain("stored already");
        var target = fixture.NewFolder();
        await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), target, fixture.NewFolder());
        File.ReadAllText(Path.Join(target, "node_modules", "dep", "index.js")).ShouldBe(new string('x', 100));
    }

    [Fact]
    public async Task StoreAsync_OverMaxBytes_EvictsTheLeastRecentlyUsedEntriesFirst()
    {
        // Each entry is 100 + 20 + 14 = 134 bytes of content; three fit in 450, four do not.
        using var fixture = new SetupCacheFixture(maxBytes: 450, maxEntryBytes: 400);
        async Task StoreAsync(char digit)
        {
            var (worktree, cache, output) = fixture.SetupResult();
            (await fixture.Store.StoreAsync(SetupCacheFixture.Key(digit: digit), worktree, output, cache, SetupTook, [])).Stored.ShouldBeTrue();
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        await StoreAsync('a');
        await StoreAsync('b');
        await StoreAsync('c');
        // a is used again, so b is now the least recently used.
        (await fixture.Store.RestoreAsync(SetupCacheFixture.Key(digit: 'a'), fixture.NewFolder(), fixture.NewFolder())).Hit.ShouldBeTrue();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));

        await StoreAsync('d');

        fixture.Store.List().Select(e => e.Key[0]).Order().ShouldBe(['a', 'c', 'd']);
        await StoreAsync('e');
        fixture.Store.List().Select(e => e.Key[0]).Order().ShouldBe(['a', 'd', 'e']);
    }

    [Fact]
    public async Task Clear_ByOrganisationOrRepository_RemovesOnlyThoseEntries()
    {
        using var fixture = new SetupCacheFixture();
        foreach (var key in new[] { SetupCacheFixture.Key("org-1", "repo-a"), SetupCacheFixture.Key("org-1", "repo-b"), SetupCacheFixture.Key("org-2", "repo-a") })
        {
            var (worktree, cache, output) = fixture.SetupResult();
            (await fixture.Store.StoreAsync(key, worktree, output, cache, SetupTook, [])).Stored.ShouldBeTrue();
        }

        fixture.Store.Clear(repo: "/srv/repo-b").ShouldHaveSingleItem().RepoKey.ShouldBe("repo-b");
        fixture.Store.Clear(orgId: "org-2").ShouldHaveSingleItem().OrgId.ShouldBe("org-2");
        fixture.Store.List().ShouldHaveSingleItem().RepoKey.ShouldBe("repo-a");
        fixture.Store.Clear().Count.ShouldBe(1);
        fixture.Store.List().ShouldBeEmpty();
    }

    [Fact]
    public async Task RestoreAsync_CacheTurnedOff_MissesAndSaysWhichSetting()
    {
        using var fixture = new SetupCacheFixture();
        fixture.Options.Enabled = false;

        var restore = await fixture.Store.RestoreAsync(SetupCacheFixture.Key(), fixture.NewFolder(), fixture.NewFolder());

        restore.Reason.ShouldNotBeNull().ShouldContain("Sandbox:SetupCache:Enabled");
    }

    [Theory]
    [InlineData("org-1", true)]
    [InlineData("acme.dev_2", true)]
    [InlineData("..", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("a\0b", false)]
    public void IsSafeName_FolderNames_OnlyPlainOnesPass(string name, bool safe) => SetupCacheStore.IsSafeName(name).ShouldBe(safe);

    private static void Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path]);
        process.WaitForExit();
        process.ExitCode.ShouldBe(0);
    }
}
