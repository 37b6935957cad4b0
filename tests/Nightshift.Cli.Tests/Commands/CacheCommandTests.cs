using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Workspaces;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Cli.Tests.Commands;

/// <summary><c>nightshift cache ls|clear</c> on a real setup cache in the data folder.</summary>
public sealed class CacheCommandTests : IDisposable
{
    private readonly InProcessCli _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task StoreAsync(string org, string repoKey, char digit)
    {
        var store = new SetupCacheStore(
            Microsoft.Extensions.Options.Options.Create(new SetupCacheOptions()),
            Microsoft.Extensions.Options.Options.Create(new WorkspaceOptions { DataDirectory = _cli.DataDirectory }),
            TimeProvider.System,
            NullLogger<SetupCacheStore>.Instance);
        var worktree = Directory.CreateTempSubdirectory("ns-cache-cli-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Join(worktree, "node_modules"));
            await File.WriteAllTextAsync(Path.Join(worktree, "node_modules", "dep.js"), "export default 1;\n");
            var cache = Path.Join(worktree, ".task-cache");
            Directory.CreateDirectory(cache);
            var save = await store.StoreAsync(new SetupCacheKey(org, repoKey, "https://git.example.test/acme/" + repoKey, new string(digit, 64)), worktree,
                new SetupOutput(["node_modules/dep.js"], []), cache, TimeSpan.FromSeconds(30), ["package-lock.json"]);
            save.Stored.ShouldBeTrue(save.Reason);
        }
        finally
        {
            Directory.Delete(worktree, recursive: true);
        }
    }

    [Fact]
    public async Task Ls_EmptyCache_SaysSoAndSucceeds()
    {
        var result = await _cli.RunAsync("cache", "ls");

        result.ExitCode.ShouldBe(0, result.Stderr);
        (result.Stdout + result.Stderr).ShouldContain("is empty");
    }

    [Fact]
    public async Task Ls_Json_ListsEachEntryAndFiltersByOrganisation()
    {
        await StoreAsync("org-1", "web", 'a');
        await StoreAsync("org-2", "api", 'b');

        var all = await _cli.RunAsync("cache", "ls", "--json");
        var one = await _cli.RunAsync("cache", "ls", "--org", "org-2", "--json");

        all.ExitCode.ShouldBe(0, all.Stderr);
        var entries = JsonDocument.Parse(all.Stdout).RootElement.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("orgId").GetString()).Order().ShouldBe(["org-1", "org-2"]);
        var web = entries.Single(e => e.GetProperty("orgId").GetString() == "org-1");
        web.GetProperty("repo").GetString().ShouldBe("https://git.example.test/acme/web");
        web.GetProperty("files").GetInt32().ShouldBe(1);
        web.GetProperty("hits").GetInt32().ShouldBe(0);
        web.GetProperty("setupMs").GetInt64().ShouldBe(30_000);
        JsonDocument.Parse(one.Stdout).RootElement.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem()
            .GetProperty("repoKey").GetString().ShouldBe("api");
    }

    [Fact]
    public async Task Ls_Table_ShowsTheKeyPrefixAndRepository()
    {
        await StoreAsync("org-1", "web", 'c');

        var result = await _cli.RunAsync("cache", "ls");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("cccccccccccc");
        result.Stdout.ShouldContain("https://git.example.test/acme/web");
    }

    [Fact]
    public async Task Clear_RepositoryWithYes_DeletesOnlyItsEntries()
    {
        await StoreAsync("org-1", "web", 'a');
        await StoreAsync("org-1", "api", 'b');

        var result = await _cli.RunAsync("cache", "clear", "--repo", "https://git.example.test/acme/web", "--yes");
        var left = await _cli.RunAsync("cache", "ls", "--json");

        result.ExitCode.ShouldBe(0, result.Stderr);
        JsonDocument.Parse(left.Stdout).RootElement.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem()
            .GetProperty("repoKey").GetString().ShouldBe("api");
    }

    [Fact]
    public async Task Clear_WithoutYesAndNoTerminal_DeletesNothingAndSaysToPassYes()
    {
        await StoreAsync("org-1", "web", 'a');

        var result = await _cli.RunAsync("cache", "clear", "--all");
        var left = await _cli.RunAsync("cache", "ls", "--json");

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("--yes");
        JsonDocument.Parse(left.Stdout).RootElement.GetProperty("entries").GetArrayLength().ShouldBe(1);
    }

    [Theory]
    [InlineData("say what to clear")]
    [InlineData("leave out --all", "--all", "--org", "org-1")]
    public async Task Clear_MissingOrContradictorySelection_IsAUsageError(string expected, params string[] extra)
    {
        var result = await _cli.RunAsync(["cache", "clear", .. extra]);

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain(expected);
    }
}
