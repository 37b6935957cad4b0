using Nightshift.Core.Errors;
using Nightshift.TestKit;

namespace Nightshift.Workspaces.Tests;

/// <summary>One file of a branch, read from the mirror's git objects (<see cref="IRepositoryFiles"/>), on a real repository with a bare remote.</summary>
public sealed class RepositoryFilesTests
{
    private const string Definition = ".nightshift/pipelines/lint.yml";
    private const string Yaml = "name: lint\nsteps:\n  lint:\n    run: ./lint.sh\n";

    private static CancellationToken Token => TestDefaults.TimeoutToken();

    private static IRepositoryFiles Files(Harness h) => h.Services.TaskWorktrees;

    private static Task<string?> ReadAsync(Harness h, string path, string? branch = "main", int maxBytes = 64 * 1024) =>
        Files(h).ReadTextAsync(h.Repo.RemotePath, branch, path, maxBytes, null, Token);

    [Fact]
    public async Task ReadTextAsync_FileOnTheBranch_ReturnsItsText()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a pipeline", (Definition, Yaml));

        (await ReadAsync(h, Definition)).ShouldBe(Yaml);
        (await ReadAsync(h, Definition, branch: null)).ShouldBe(Yaml);
    }

    [Fact]
    public async Task ReadTextAsync_FileChangedOnTheRemoteAfterAnEarlierRead_ReturnsTheNewText()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a pipeline", (Definition, Yaml));
        (await ReadAsync(h, Definition)).ShouldBe(Yaml);

        h.Repo.Commit("changed", (Definition, Yaml + "# changed\n"));

        (await ReadAsync(h, Definition)).ShouldBe(Yaml + "# changed\n");
    }

    [Fact]
    public async Task ReadTextAsync_FileOnAnotherBranchOnly_IsReadFromThatBranch()
    {
        using var h = Harness.Create();
        h.Repo.Git("checkout", "--quiet", "-b", "pipelines");
        h.Repo.Commit("a pipeline", (Definition, Yaml));
        h.Repo.Git("checkout", "--quiet", "main");

        (await ReadAsync(h, Definition, "pipelines")).ShouldBe(Yaml);
        (await ReadAsync(h, Definition, "main")).ShouldBeNull();
    }

    [Theory]
    [InlineData(".nightshift/pipelines/missing.yml")]
    [InlineData(".nightshift/pipelines/lint.yml/deeper")]
    [InlineData("nothing-here")]
    public async Task ReadTextAsync_NoSuchFile_ReturnsNull(string path)
    {
        using var h = Harness.Create();
        h.Repo.Commit("a pipeline", (Definition, Yaml));

        (await ReadAsync(h, path)).ShouldBeNull();
    }

    [Fact]
    public async Task ReadTextAsync_PathThatIsAPrefixOfAFile_ReturnsNullNotTheFile()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a pipeline", (Definition, Yaml));

        (await ReadAsync(h, ".nightshift/pipelines/lint")).ShouldBeNull();
    }

    [Fact]
    public async Task ReadTextAsync_SymbolicLink_IsRefused()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a secret-looking file", ("real.yml", Yaml));
        Directory.CreateDirectory(Path.Combine(h.Repo.WorkPath, ".nightshift", "pipelines"));
        File.CreateSymbolicLink(Path.Combine(h.Repo.WorkPath, Definition), "/etc/passwd");
        h.Repo.Commit("a link");

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, Definition));

        error.Message.ShouldContain("symbolic link");
    }

    [Fact]
    public async Task ReadTextAsync_Folder_IsRefused()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a pipeline", (Definition, Yaml));

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, ".nightshift/pipelines"));

        error.Message.ShouldContain("is a folder");
    }

    [Fact]
    public async Task ReadTextAsync_Submodule_IsRefused()
    {
        using var h = Harness.Create();
        var commit = h.Repo.Commit("something");
        h.Repo.Git("update-index", "--add", "--cacheinfo", $"160000,{commit},vendored");
        h.Repo.Git("commit", "--quiet", "-m", "a submodule");
        h.Repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/main");

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, "vendored"));

        error.Message.ShouldContain("submodule");
    }

    [Fact]
    public async Task ReadTextAsync_FileLargerThanAllowed_IsRefusedNamingTheSize()
    {
        using var h = Harness.Create();
        h.Repo.Commit("a big pipeline", (Definition, new string('x', 2_000)));

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, Definition, maxBytes: 1_000));

        error.Message.ShouldContain("2000 bytes");
        error.Message.ShouldContain("1000 bytes");
        (await ReadAsync(h, Definition, maxBytes: 2_000)).ShouldNotBeNull().Length.ShouldBe(2_000);
    }

    [Theory]
    [InlineData("../outside.yml")]
    [InlineData(".nightshift/../../outside.yml")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    [InlineData("a//b.yml")]
    [InlineData("./lint.yml")]
    [InlineData(".git/config")]
    [InlineData("a\nb.yml")]
    [InlineData("a\0b.yml")]
    [InlineData("C:\\windows.yml")]
    public async Task ReadTextAsync_UnsafePath_IsRefusedBeforeAnyGit(string path)
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, path));

        error.Message.ShouldContain("give a relative path inside the repository");
        Directory.Exists(Path.Combine(h.Data, "mirrors")).ShouldBeFalse();
    }

    [Fact]
    public async Task ReadTextAsync_OverlongPath_IsRefused()
    {
        using var h = Harness.Create();

        await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, string.Concat(Enumerable.Repeat("abcdefgh/", 200)) + "x.yml"));
    }

    [Fact]
    public async Task ReadTextAsync_UnknownBranch_FailsNamingTheBranches()
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<WorkspaceException>(() => ReadAsync(h, Definition, "no-such-branch"));

        error.Message.ShouldContain("no-such-branch");
        error.Message.ShouldContain("main");
    }

    [Fact]
    public async Task ReadTextAsync_InvalidBranchName_IsRefused()
    {
        using var h = Harness.Create();

        await Should.ThrowAsync<ValidationException>(() => ReadAsync(h, Definition, "--upload-pack=evil"));
    }

    [Fact]
    public async Task ReadTextAsync_RepositoryOutsideTheAllowedRoots_IsRefused()
    {
        using var h = Harness.Create();

        await Should.ThrowAsync<NightshiftException>(() => Files(h).ReadTextAsync("/tmp/not-allowed-" + Guid.NewGuid().ToString("N"), "main", Definition, 1024, null, Token));
    }
}
