using Nightshift.TestKit;

namespace Nightshift.Workspaces.Tests.SetupCache;

public sealed class SetupOutputTests
{
    [Fact]
    public async Task SetupOutputAsync_AfterSetupLikeWrites_ListsUntrackedAndIgnoredFilesAndTrackedChanges()
    {
        using var h = Harness.Create();
        h.Repo.Commit("project", (".gitignore", "node_modules/\n*.log\n"), ("package-lock.json", "{}"), ("src/app.js", "1"));
        var workspace = await h.PrepareAsync("setup output");
        Directory.CreateDirectory(Path.Combine(workspace.Path, "node_modules", "dep"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "node_modules", "dep", "index.js"), "x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "install.log"), "log");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "generated.js"), "new");

        var clean = await h.Tasks.SetupOutputAsync(workspace, TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "src", "app.js"), "changed by setup");
        var changed = await h.Tasks.SetupOutputAsync(workspace, TestDefaults.TimeoutToken());

        clean.ShouldNotBeNull();
        clean.Untracked.Order(StringComparer.Ordinal).ShouldBe(["generated.js", "install.log", "node_modules/dep/index.js"]);
        clean.ChangedTracked.ShouldBeEmpty();
        changed.ShouldNotBeNull().ChangedTracked.ShouldBe(["src/app.js"]);
    }
}
