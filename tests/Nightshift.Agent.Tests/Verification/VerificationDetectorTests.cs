using Nightshift.Agent.Configuration;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Tests.Verification;

public sealed class VerificationDetectorTests : IDisposable
{
    private readonly TempTree _tree = new();

    [Fact]
    public void Detect_ConfiguredCommands_Win()
    {
        _tree.Write("package.json", """{"scripts":{"test":"jest"}}""");

        VerificationDetector.Detect(_tree.Root, new RepoConfig { Test = ["make ci"] }).ShouldBe(["make ci"]);
    }

    [Theory]
    [InlineData("package.json", """{"scripts":{"test":"node --test"}}""", "npm test")]
    [InlineData("go.mod", "module x", "go test ./...")]
    [InlineData("Cargo.toml", "[package]", "cargo test")]
    [InlineData("App.slnx", "<Solution />", "dotnet test")]
    [InlineData("pyproject.toml", "[project]", "python3 -m pytest -q")]
    [InlineData("Makefile", "check:\n\ttrue\n", "make check")]
    public void Detect_ProjectFile_GivesItsTestCommand(string file, string content, string expected)
    {
        _tree.Write(file, content);

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty).ShouldBe([expected]);
    }

    [Fact]
    public void Detect_PackageJsonLinkedToDevZero_IsNotReadAndNodesRunnerIsUsed()
    {
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "package.json"), "/dev/zero");
        _tree.Write("calc.test.mjs", "");

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty, Nightshift.TestKit.TestDefaults.TimeoutToken()).ShouldBe(["node --test"]);
    }

    [Fact]
    public async Task Detect_SpecialAndHugeProjectFiles_EndAtOnceWithoutThem()
    {
        SpecialFiles.Fifo(Path.Combine(_tree.Root, "package.json"));
        SpecialFiles.Fifo(Path.Combine(_tree.Root, "Makefile"));
        SpecialFiles.Fifo(Path.Combine(_tree.Root, "go.mod"));
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "Cargo.toml"), "/dev/zero");
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "tests"), "/");
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "loop"), ".");

        var detect = Task.Run(() => VerificationDetector.Detect(_tree.Root, RepoConfig.Empty, Nightshift.TestKit.TestDefaults.TimeoutToken()));

        (await detect.WaitAsync(Nightshift.TestKit.TestDefaults.Timeout)).ShouldBeEmpty();
    }

    [Fact]
    public void Detect_HugePackageJson_IsReadOnlyUpToItsBound()
    {
        SpecialFiles.Sparse(Path.Combine(_tree.Root, "package.json"), 100L * 1024 * 1024);

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void Detect_NpmDefaultScriptWithNodeTests_UsesNodesRunner()
    {
        _tree.Write("package.json", """{"scripts":{"test":"echo \"Error: no test specified\" && exit 1"}}""");
        _tree.Write("test/add.test.js", "");

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty).ShouldBe(["node --test"]);
    }

    [Fact]
    public void Detect_PnpmLock_UsesPnpm()
    {
        _tree.Write("package.json", """{"scripts":{"test":"vitest"}}""");
        _tree.Write("pnpm-lock.yaml", "");

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty).ShouldBe(["pnpm test"]);
    }

    [Fact]
    public void Detect_BrokenPackageJson_DoesNotThrow()
    {
        _tree.Write("package.json", "{ not json");

        VerificationDetector.Detect(_tree.Root, RepoConfig.Empty).ShouldBeEmpty();
    }

    public void Dispose() => _tree.Dispose();
}
