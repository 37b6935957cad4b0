using Nightshift.Agent.RepoMap;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.RepoMap;

public sealed class RepoMapBuilderTests
{
    private static readonly RepoMapOptions NoCtags = new() { CtagsPath = "/nonexistent/ctags" };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BuildAsync_ManyLanguages_FindsSymbolsSummariesAndLocalImports(bool ctags)
    {
        using var repo = new SampleRepo();
        var options = ctags ? new RepoMapOptions() : NoCtags;

        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, options, TestDefaults.TimeoutToken());

        map.Stats.UsedCtags.ShouldBe(ctags);
        var files = map.Files.ToDictionary(f => f.Path);
        string Symbols(string path) => string.Join(",", files[path].Symbols.Select(s => $"{s.Kind} {s.Name}"));

        Symbols("src/cart.ts").ShouldContain("class Cart");
        Symbols("src/cart.ts").ShouldContain("method add");
        Symbols("src/app.ts").ShouldContain("function start");
        Symbols("py/shop/models.py").ShouldContain("class Order");
        Symbols("py/shop/models.py").ShouldContain("method total");
        Symbols("store/store.go").ShouldContain("function New");
        Symbols("store/store.go").ShouldContain("Store");
        Symbols("cs/Orders/Order.cs").ShouldContain("class Order");
        Symbols("cs/Orders/Order.cs").ShouldContain("method Total");
        Symbols("java/com/shop/Item.java").ShouldContain("class Item");
        Symbols("java/com/shop/Item.java").ShouldContain("method price");
        Symbols("rs/src/cart.rs").ShouldContain("struct Cart");
        Symbols("rs/src/cart.rs").ShouldContain("function total");

        files["src/app.ts"].Summary.ShouldBe("Entry point of the shop server.");
        files["src/cart.ts"].Summary.ShouldBe("Shopping cart logic.");
        files["src/checkout.js"].Summary.ShouldBe("Checkout flow.");
        files["py/main.py"].Summary.ShouldBe("Command line entry for the shop.");
        files["store/store.go"].Summary.ShouldBe("Package store keeps orders.");
        files["cs/Orders/Order.cs"].Summary.ShouldBe("An order placed by a customer.");
        files["rs/src/main.rs"].Summary.ShouldBe("Shop binary.");

        files["src/app.ts"].Imports.ShouldBe(["src/cart.ts"]);
        files["src/checkout.js"].Imports.ShouldBe(["src/cart.ts"]);
        files["src/cart.ts"].ReferencedBy.ShouldBe(2);
        files["py/main.py"].Imports.ShouldBe(["py/shop/models.py"]);
        files["cmd/main.go"].Imports.ShouldBe(["store/store.go"]);
        files["cs/Program.cs"].Imports.ShouldBe(["cs/Orders/Order.cs"]);
        files["java/com/shop/App.java"].Imports.ShouldBe(["java/com/shop/Item.java"]);
        files["rs/src/main.rs"].Imports.ShouldBe(["rs/src/cart.rs"]);
    }

    [Fact]
    public async Task BuildAsync_SameBuilderAgain_ReadsAndParsesNothingUnchanged()
    {
        using var repo = new SampleRepo();
        var builder = new RepoMapBuilder();
        var cold = await builder.BuildAsync(repo.Root, null, new RepoMapOptions(), TestDefaults.TimeoutToken());

        var warm = await builder.BuildAsync(repo.Root, null, new RepoMapOptions(), TestDefaults.TimeoutToken());

        cold.Stats.FilesParsed.ShouldBe(cold.Stats.FilesListed);
        warm.Stats.FilesListed.ShouldBe(cold.Stats.FilesListed);
        warm.Stats.FilesRead.ShouldBe(0);
        warm.Stats.FilesParsed.ShouldBe(0);
        System.Text.Json.JsonSerializer.Serialize(warm.Files).ShouldBe(System.Text.Json.JsonSerializer.Serialize(cold.Files));
    }

    [Fact]
    public async Task BuildAsync_OneFileChanged_RereadsAndReparsesOnlyThatFile()
    {
        using var repo = new SampleRepo();
        var builder = new RepoMapBuilder();
        await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());
        repo.Write("src/cart.ts", "/** Shopping cart logic. */\nexport class Basket {}\n");

        var map = await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());

        map.Stats.FilesRead.ShouldBe(1);
        map.Stats.FilesParsed.ShouldBe(1);
        map.Files.Single(f => f.Path == "src/cart.ts").Symbols.ShouldHaveSingleItem().Name.ShouldBe("Basket");
    }

    [Fact]
    public async Task BuildAsync_FileDeletedWithNothingElseChanged_LeavesTheMapAndTheImportGraph()
    {
        using var repo = new SampleRepo();
        var builder = new RepoMapBuilder();
        var before = await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());
        File.Delete(Path.Combine(repo.Root, "src/checkout.js"));

        var after = await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());

        after.Stats.FilesRead.ShouldBe(0);
        after.Files.Count.ShouldBe(before.Files.Count - 1);
        after.Files.ShouldNotContain(f => f.Path == "src/checkout.js");
        after.Files.Single(f => f.Path == "src/cart.ts").ReferencedBy.ShouldBe(1);
    }

    [Fact]
    public async Task BuildAsync_OnlyTimestampChanged_RereadsButDoesNotReparse()
    {
        using var repo = new SampleRepo();
        var builder = new RepoMapBuilder();
        await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());
        File.SetLastWriteTimeUtc(Path.Combine(repo.Root, "src/cart.ts"), DateTime.UtcNow.AddMinutes(5));

        var map = await builder.BuildAsync(repo.Root, null, NoCtags, TestDefaults.TimeoutToken());

        map.Stats.FilesRead.ShouldBe(1);
        map.Stats.FilesParsed.ShouldBe(0);
    }

    [Fact]
    public async Task BuildAsync_NewBuilderSharingTheCacheFolder_ReusesParsesByContentHash()
    {
        using var repo = new SampleRepo();
        var options = NoCtags with { CacheFolder = repo.Cache };
        var cold = await new RepoMapBuilder().BuildAsync(repo.Root, null, options, TestDefaults.TimeoutToken());

        var warm = await new RepoMapBuilder().BuildAsync(repo.Root, null, options, TestDefaults.TimeoutToken());

        warm.Stats.FilesRead.ShouldBe(cold.Stats.FilesListed);
        warm.Stats.FilesParsed.ShouldBe(0);
        warm.Files.Select(f => (f.Path, f.Summary, f.Symbols.Count, f.ReferencedBy)).ShouldBe(cold.Files.Select(f => (f.Path, f.Summary, f.Symbols.Count, f.ReferencedBy)));
    }

    [Fact]
    public async Task BuildAsync_KnownCommit_ComesFromTheCommitCacheWithoutReadingTheTree()
    {
        using var repo = new SampleRepo();
        var options = NoCtags with { CacheFolder = repo.Cache };
        const string Commit = "0123456789abcdef0123456789abcdef01234567";
        var cold = await new RepoMapBuilder().BuildAsync(repo.Root, Commit, options, TestDefaults.TimeoutToken());
        repo.Write("src/new.ts", "export class Unseen {}\n");

        var warm = await new RepoMapBuilder().BuildAsync(repo.Root, Commit, options, TestDefaults.TimeoutToken());

        File.Exists(Path.Combine(repo.Cache, "commits", Commit + ".json")).ShouldBeTrue();
        warm.Stats.FromCommitCache.ShouldBeTrue();
        warm.Stats.FilesRead.ShouldBe(0);
        warm.Files.Select(f => f.Path).ShouldBe(cold.Files.Select(f => f.Path));
        warm.Commit.ShouldBe(Commit);
    }

    [Fact]
    public async Task BuildAsync_CorruptCacheFiles_AreRebuiltNotTrusted()
    {
        using var repo = new SampleRepo();
        const string Commit = "abcdef1";
        Directory.CreateDirectory(Path.Combine(repo.Cache, "commits"));
        File.WriteAllText(Path.Combine(repo.Cache, "commits", Commit + ".json"), "{not json");
        File.WriteAllText(Path.Combine(repo.Cache, "facts-v1.json"), "[1,2");

        var map = await new RepoMapBuilder().BuildAsync(repo.Root, Commit, NoCtags with { CacheFolder = repo.Cache }, TestDefaults.TimeoutToken());

        map.Stats.FromCommitCache.ShouldBeFalse();
        map.Files.ShouldContain(f => f.Path == "src/cart.ts");
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("abc\n")]
    [InlineData("zz")]
    public async Task BuildAsync_CommitThatIsNotAHash_IsNotUsedForCaching(string commit)
    {
        using var repo = new SampleRepo();

        var map = await new RepoMapBuilder().BuildAsync(repo.Root, commit, NoCtags with { CacheFolder = repo.Cache }, TestDefaults.TimeoutToken());

        map.Commit.ShouldBeNull();
        Directory.Exists(Path.Combine(repo.Cache, "commits")).ShouldBeFalse();
    }

    [Fact]
    public async Task BuildAsync_MissingWorktree_SaysWhichFolder()
    {
        var error = await Should.ThrowAsync<DirectoryNotFoundException>(() => new RepoMapBuilder().BuildAsync("/nonexistent/worktree", null, NoCtags));

        error.Message.ShouldContain("/nonexistent/worktree");
    }

    [Fact]
    public async Task BuildAsync_RepositoryCtagsConfiguration_IsIgnored()
    {
        using var repo = new SampleRepo();
        // Read without --options=NONE, this would switch off Python classes.
        repo.Write(".ctags.d/evil.ctags", "--kinds-Python=-c\n");

        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, new RepoMapOptions(), TestDefaults.TimeoutToken());

        map.Stats.UsedCtags.ShouldBeTrue();
        map.Files.Single(f => f.Path == "py/shop/models.py").Symbols.ShouldContain(s => s.Name == "Order" && s.Kind == "class");
    }

    [Theory]
    [InlineData("#!/bin/sh\nexec /bin/sleep 30\n", "hangs")]
    [InlineData("#!/bin/sh\necho broken >&2\nexit 3\n", "fails")]
    [InlineData("#!/bin/sh\n/bin/cat >/dev/null\necho '{\"_type\": \"tag\", garbage'\necho 'not json at all'\n", "prints garbage")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task BuildAsync_CtagsThatMisbehaves_FallsBackToPatterns(string script, string what)
    {
        using var repo = new SampleRepo();
        var fake = Path.Combine(repo.Outside, "fake-ctags");
        File.WriteAllText(fake, script);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

        // Only the hanging one needs a short timeout; under load a slow start of the others must not count as a hang.
        var timeout = what == "hangs" ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(30);
        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, new RepoMapOptions { CtagsPath = fake, CtagsTimeout = timeout }, TestDefaults.TimeoutToken());

        map.Stats.UsedCtags.ShouldBe(what == "prints garbage", what);
        map.Files.Single(f => f.Path == "src/cart.ts").Symbols.ShouldContain(s => s.Name == "Cart", what);
    }
}
