using Nightshift.Core.Errors;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class SpecValidationTests(Jail jail)
{
    private static readonly TempFolder Worktree = new();

    public static TheoryData<string, CommandSpec> Invalid() => new()
    {
        { "argv", new CommandSpec([]) { WorktreePath = Worktree.Path } },
        { "argv", CommandSpec.Exec("echo", "a\0b") with { WorktreePath = Worktree.Path } },
        { "argv", CommandSpec.Shell(new string('x', 2 << 20)) with { WorktreePath = Worktree.Path } },
        { "worktreePath", CommandSpec.Exec("true") },
        { "worktreePath", CommandSpec.Exec("true") with { WorktreePath = "relative/path" } },
        { "worktreePath", CommandSpec.Exec("true") with { WorktreePath = "/" } },
        { "worktreePath", CommandSpec.Exec("true") with { WorktreePath = "/etc" } },
        { "worktreePath", CommandSpec.Exec("true") with { WorktreePath = "/usr/share" } },
        { "worktreePath", CommandSpec.Exec("true") with { WorktreePath = "/tmp/nightshift-does-not-exist-" + Guid.NewGuid() } },
        { "workingDirectory", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, WorkingDirectory = "../.." } },
        { "workingDirectory", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, WorkingDirectory = "/etc" } },
        { "workingDirectory", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, WorkingDirectory = "missing" } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "x" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["NIGHTSHIFT_GITHUB_TOKEN"] = "x" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["LD_PRELOAD"] = "x" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["HOME"] = "/" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["NODE_ENV"] = "x", ["HTTPS_PROXY"] = "http://attacker:8080" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["no_proxy"] = "*" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["BAD-NAME"] = "x" } } },
        { "environment", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Environment = new Dictionary<string, string> { ["NODE_ENV"] = new string('x', 40000) } } },
        { "timeout", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Timeout = TimeSpan.FromSeconds(-1) } },
        { "timeout", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Timeout = TimeSpan.FromDays(3) } },
        { "maxOutputChars", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, MaxOutputChars = 0 } },
        { "cachePath", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, CachePath = "/etc" } },
        { "limits.processes", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Limits = new SandboxLimits { Processes = 0 } } },
        { "limits.memoryBytes", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Limits = new SandboxLimits { MemoryBytes = -5 } } },
        { "network", CommandSpec.Exec("true") with { WorktreePath = Worktree.Path, Network = (NetworkPolicy)7 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task RunAsync_InvalidSpec_ThrowsValidationNamingTheField(string field, CommandSpec spec)
    {
        var error = await Should.ThrowAsync<ValidationException>(() => jail.Sandbox.RunAsync(spec));

        error.Errors.Keys.ShouldContain(field, error.Message);
    }

    [Fact]
    public async Task RunAsync_WorktreeIsSymlinkToSystemFolder_Refused()
    {
        using var folder = new TempFolder();
        var link = folder.File("looks-harmless");
        File.CreateSymbolicLink(link, "/etc");

        var error = await Should.ThrowAsync<ValidationException>(() => jail.Sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = link }));

        error.Message.ShouldContain("/etc");
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryIsSymlinkOutOfWorktree_Refused()
    {
        using var worktree = new TempFolder();
        Directory.CreateSymbolicLink(worktree.File("out"), "/usr");

        var error = await Should.ThrowAsync<ValidationException>(() => jail.Sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path, WorkingDirectory = "out" }));

        error.Errors.Keys.ShouldContain("workingDirectory");
    }

    [Fact]
    public async Task RunAsync_UnknownProgram_Exits127()
    {
        using var worktree = new TempFolder();

        var result = await jail.RunAsync(CommandSpec.Exec("nightshift-no-such-program") with { WorktreePath = worktree.Path });

        result.ExitCode.ShouldBe(127);
        result.Stderr.ShouldContain("not found");
    }

    [Fact]
    public async Task RunAsync_ProgramNotExecutable_Exits126()
    {
        using var worktree = new TempFolder();
        File.WriteAllText(worktree.File("script.sh"), "echo ran\n");

        var result = await jail.RunAsync(CommandSpec.Exec("./script.sh") with { WorktreePath = worktree.Path });

        result.ExitCode.ShouldBe(126);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("Permission denied");
    }

    [Fact]
    public async Task RunAsync_CommandPrintingLikeBubblewrap_KeepsItsOwnExitCodeAndOutput()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "echo 'bwrap: execvp x: No such file or directory' >&2; echo more >&2; exit 1");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("more");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class SpecValidationTestsInNewJails(Jail jail) : SpecValidationTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class SpecValidationTestsInReadyJails(ReadyJailFixture jail) : SpecValidationTests(jail), IClassFixture<ReadyJailFixture>;
