using Nightshift.TestKit.Sandbox;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Workspaces.Tests.SetupCache;

public sealed class SetupCacheKeysTests
{
    private static readonly RepositoryRef RepoA = new(RepositoryKind.LocalPath, "/srv/a", "repo-a");
    private static readonly string[] Setup = ["npm ci"];

    private static Task<SetupCacheKeyResult> KeyAsync(string worktree, IReadOnlyList<string>? declared = null, string org = "org-1", RepositoryRef? repo = null, string[]? setup = null, string image = "image-1") =>
        SetupCacheKeys.ComputeAsync(worktree, declared, org, repo ?? RepoA, setup ?? Setup, image);

    [Fact]
    public async Task ComputeAsync_WellKnownLockFilesAtTheRoot_AreFoundAndKeyTheEntry()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("package-lock.json"), "{\"lockfileVersion\":3}");
        File.WriteAllText(folder.File("requirements-dev.txt"), "pytest==8.0\n");
        File.WriteAllText(folder.File("README.md"), "not a lock file");

        var key = await KeyAsync(folder.Path);

        key.Key.ShouldNotBeNull(key.Reason);
        key.Key.Hash.Length.ShouldBe(64);
        key.Files.ShouldBe(["package-lock.json", "requirements-dev.txt"]);
        (await KeyAsync(folder.Path)).Key!.Hash.ShouldBe(key.Key.Hash);
    }

    [Fact]
    public async Task ComputeAsync_EachInput_ChangesTheKey()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("go.sum"), "v1\n");
        var baseline = (await KeyAsync(folder.Path)).Key!.Hash;

        var otherOrg = (await KeyAsync(folder.Path, org: "org-2")).Key!.Hash;
        var otherRepo = (await KeyAsync(folder.Path, repo: new RepositoryRef(RepositoryKind.LocalPath, "/srv/b", "repo-b"))).Key!.Hash;
        var otherSetup = (await KeyAsync(folder.Path, setup: ["npm ci", "npm run build"])).Key!.Hash;
        var otherImage = (await KeyAsync(folder.Path, image: "image-2")).Key!.Hash;
        File.WriteAllText(folder.File("go.sum"), "v2\n");
        var otherLock = (await KeyAsync(folder.Path)).Key!.Hash;

        new[] { baseline, otherOrg, otherRepo, otherSetup, otherImage, otherLock }.Distinct().Count().ShouldBe(6);
    }

    [Fact]
    public async Task ComputeAsync_NoLockFile_IsNotCachedAndSaysHowToNameOne()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("main.go"), "package main\n");

        var key = await KeyAsync(folder.Path);

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNull().ShouldContain("cache:");
    }

    [Fact]
    public async Task ComputeAsync_DeclaredLockFileIsALink_IsNotFollowedAndNotCached()
    {
        using var folder = new TempFolder();
        using var outside = new TempFolder();
        File.WriteAllText(outside.File("secret"), "host secret");
        File.CreateSymbolicLink(folder.File("package-lock.json"), outside.File("secret"));

        var key = await KeyAsync(folder.Path, ["package-lock.json"]);

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNull().ShouldContain("symbolic link");
    }

    [Fact]
    public async Task ComputeAsync_DeclaredLockFileIsAFifo_DoesNotBlockAndIsNotCached()
    {
        using var folder = new TempFolder();
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [folder.File("yarn.lock")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var key = await KeyAsync(folder.Path, ["yarn.lock"]).WaitAsync(TimeSpan.FromSeconds(30));

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNull().ShouldContain("FIFO");
    }

    [Fact]
    public async Task ComputeAsync_HugeLockFile_IsNotReadWhole()
    {
        using var folder = new TempFolder();
        using (var file = File.Create(folder.File("Cargo.lock")))
        {
            file.SetLength(SetupCacheKeys.MaxLockFileBytes + 1);
        }

        var key = await KeyAsync(folder.Path, ["Cargo.lock"]);

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNull().ShouldContain("bytes");
    }

    [Theory]
    [InlineData("../outside.lock")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("missing.lock")]
    public async Task ComputeAsync_DeclaredPathOutsideOrMissing_IsNotCached(string declared)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("package-lock.json"), "{}");

        var key = await KeyAsync(folder.Path, [declared]);

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ComputeAsync_UnsafeOrganisationId_IsNotCached()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("package-lock.json"), "{}");

        var key = await KeyAsync(folder.Path, org: "../other-org");

        key.Key.ShouldBeNull();
        key.Reason.ShouldNotBeNull().ShouldContain("organisation");
    }

    [Fact]
    public void Fingerprint_SameHost_IsStableAndSeesToolchainPaths()
    {
        using var toolchain = new TempFolder();
        var first = SandboxImage.Fingerprint([toolchain.Path]);
        var again = SandboxImage.Fingerprint([toolchain.Path]);
        Directory.CreateDirectory(Path.Join(toolchain.Path, "sdk-9.0.100"));

        again.ShouldBe(first);
        SandboxImage.Fingerprint([toolchain.Path]).ShouldNotBe(first);
    }
}
