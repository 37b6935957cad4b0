using Nightshift.TestKit;
using Nightshift.Workspaces.Files;

namespace Nightshift.Workspaces.Tests.Files;

public sealed class RepoTreeTests : IDisposable
{
    private readonly HostileTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Walk_LinksToRootAndToItself_AreListedAsLinksAndNeverEntered()
    {
        var listing = RepoTree.Walk(_tree.Root, "", new RepoWalkOptions { Descend = e => e.Name != ".git" }, TestDefaults.TimeoutToken());

        listing.Complete.ShouldBeTrue();
        var kinds = listing.Entries.ToDictionary(e => e.Path, e => e.Info.Kind);
        kinds["hostroot"].ShouldBe(RepoFileKind.SymbolicLink);
        kinds["l1"].ShouldBe(RepoFileKind.SymbolicLink);
        kinds["escape"].ShouldBe(RepoFileKind.SymbolicLink);
        kinds["trap.py"].ShouldBe(RepoFileKind.Fifo);
        kinds["src/app.js"].ShouldBe(RepoFileKind.Regular);
        kinds["src/pipe.txt"].ShouldBe(RepoFileKind.Fifo);
        listing.Entries.ShouldNotContain(e => e.Path.StartsWith("hostroot/", StringComparison.Ordinal)
            || e.Path.StartsWith("l1/", StringComparison.Ordinal) || e.Path.StartsWith("escape/", StringComparison.Ordinal)
            || e.Path.StartsWith(".git/", StringComparison.Ordinal));
        listing.Entries.Count.ShouldBeLessThan(40);
    }

    [Fact]
    public void Walk_Subfolder_GivesPathsRelativeToTheRoot()
    {
        var listing = RepoTree.Walk(_tree.Root, "src", new RepoWalkOptions(), TestDefaults.TimeoutToken());

        listing.Entries.Select(e => e.Path).ShouldBe(["src/app.js", "src/pipe.txt"]);
    }

    [Fact]
    public void Walk_EntryBound_StopsAndSaysSo()
    {
        var listing = RepoTree.Walk(_tree.Root, "", new RepoWalkOptions { MaxEntries = 3 }, TestDefaults.TimeoutToken());

        listing.Entries.Count.ShouldBe(3);
        listing.Stopped.ShouldBe(RepoWalkStop.EntryLimit);
    }

    [Fact]
    public void Walk_TimeBound_StopsAndSaysSo()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var options = new RepoWalkOptions
        {
            Time = clock,
            MaxTime = TimeSpan.FromSeconds(5),
            // Each folder entered "takes" three seconds: the second one entered is past the bound.
            Descend = _ =>
            {
                clock.Advance(TimeSpan.FromSeconds(3));
                return true;
            },
        };

        var listing = RepoTree.Walk(_tree.Root, "", options, TestDefaults.TimeoutToken());

        listing.Stopped.ShouldBe(RepoWalkStop.TimeLimit);
    }

    [Fact]
    public void Walk_DepthBound_ListsButDoesNotEnterDeeperFolders()
    {
        var listing = RepoTree.Walk(_tree.Root, "", new RepoWalkOptions { MaxDepth = 0 }, TestDefaults.TimeoutToken());

        listing.Entries.ShouldContain(e => e.Path == "src");
        listing.Entries.ShouldNotContain(e => e.Path.Contains('/', StringComparison.Ordinal));
    }

    [Fact]
    public void Walk_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Should.Throw<OperationCanceledException>(() => RepoTree.Walk(_tree.Root, "", new RepoWalkOptions(), cancelled.Token));
    }

    [Theory]
    [InlineData("hostroot", RepoFileKind.SymbolicLink)]
    [InlineData("trap.py", RepoFileKind.Fifo)]
    [InlineData("nothing", RepoFileKind.Missing)]
    [InlineData("escape/deeper", RepoFileKind.OutsideRoot)]
    public void Walk_StartThatIsNotAFolderInside_IsRefused(string start, RepoFileKind kind)
    {
        Should.Throw<RepoFileException>(() => RepoTree.Walk(_tree.Root, start, new RepoWalkOptions(), TestDefaults.TimeoutToken())).Kind.ShouldBe(kind);
    }

    [Fact]
    public void Walk_ManyNestedLinksToTheRoot_EndsQuickly()
    {
        for (var i = 0; i < 50; i++)
        {
            _tree.Link($"self{i}", ".");
        }

        var listing = RepoTree.Walk(_tree.Root, "", new RepoWalkOptions(), TestDefaults.TimeoutToken());

        listing.Complete.ShouldBeTrue();
        listing.Entries.Count(e => e.Info.Kind == RepoFileKind.SymbolicLink).ShouldBeGreaterThanOrEqualTo(50);
    }
}
