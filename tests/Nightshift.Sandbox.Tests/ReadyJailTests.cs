using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Time;

namespace Nightshift.Sandbox.Tests;

/// <summary>
/// Jails set up ahead of the next command (Sandbox:ReadyJails). The isolation, limit and output suites run in such
/// jails too (their *InReadyJails classes); these tests cover what is particular to them.
/// </summary>
public sealed class ReadyJailTests
{
    // Everything a command can observe about its jail; pids are deterministic in a fresh pid namespace.
    private const string Probe = """
        env | sort
        echo "--- $(id) $(hostname) $(pwd)"
        ulimit -a
        grep -E '^(NoNewPrivs|CapEff|CapBnd|Seccomp):' /proc/self/status
        echo /proc/[0-9]* # the shell expands it, so no pipeline's processes race into the list
        echo /proc/$$/fd/*
        awk '{print $2, $3, $4}' /proc/self/mounts
        cat /proc/self/cgroup | sed 's/[0-9a-f]\{32\}/GROUP/'
        ls -a /tmp ~; echo stdin: $(cat | wc -c)
        """;

    [Fact]
    public async Task RunAsync_InAJailSetUpAhead_SeesExactlyWhatAJailSetUpOnItsPathSees()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var worktree = new TempFolder();
        Directory.CreateDirectory(worktree.File("sub"));
        using var onPath = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 0 });
        using var ahead = Jail.Create(new SandboxOptions { StateDirectory = state.Path });
        var spec = CommandSpec.Shell(Probe) with
        {
            WorktreePath = worktree.Path,
            WorkingDirectory = "sub",
            Environment = new Dictionary<string, string> { ["NODE_ENV"] = "test", ["LC_ALL"] = "C.UTF-8" },
            Limits = new SandboxLimits { CpuSeconds = 40, OpenFiles = 200, Processes = 50, FileSizeBytes = 5 << 20, AddressSpaceBytes = 4L << 30 },
        };

        var expected = await onPath.RunAsync(spec);
        (await ahead.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path, Limits = spec.Limits })).ExitCode.ShouldBe(0);
        await ahead.ReadyJailsSettledAsync();
        var actual = await ahead.RunAsync(spec);

        ahead.ReadyJailsUsed.ShouldBe(1);
        onPath.ReadyJailsUsed.ShouldBe(0);
        expected.ExitCode.ShouldBe(0, expected.Stderr);
        actual.ExitCode.ShouldBe(0, actual.Stderr);
        actual.Stderr.ShouldBe(expected.Stderr);
        actual.Stdout.ShouldBe(expected.Stdout);
        actual.Stdout.ShouldContain("NODE_ENV=test\n");
        actual.Stdout.ShouldContain("/workspace/sub");
        actual.Stdout.ShouldContain("NoNewPrivs:\t1");
        actual.Stdout.ShouldContain("\n/proc/1 /proc/2\n", Case.Sensitive, "only the jail's init and the command's shell are visible");

        // Run directly (no shell of its own), a program sees exactly the variables it was given, nothing the waiting shell had.
        var env = CommandSpec.Exec("env") with { WorktreePath = worktree.Path, Environment = spec.Environment };
        var expectedEnv = await onPath.RunAsync(env);
        await ahead.ReadyJailsSettledAsync();
        var actualEnv = await ahead.RunAsync(env);
        ahead.ReadyJailsUsed.ShouldBe(2);
        actualEnv.Stdout.ShouldBe(expectedEnv.Stdout);
        actualEnv.Stdout.ShouldNotContain("SHLVL");
        actualEnv.Stdout.ShouldEndWith("PWD=/workspace\n");
    }

    [Fact]
    public async Task RunAsync_WorktreeReplacedAtTheSamePath_NeverSeesTheOldFolder()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var worktree = new TempFolder();
        File.WriteAllText(worktree.File("old.txt"), "old task");
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path });
        (await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path })).ExitCode.ShouldBe(0);
        await sandbox.ReadyJailsSettledAsync();

        // Another task's worktree now has the path; the jail set up meanwhile mounted the folder that was there before.
        Directory.Move(worktree.Path, worktree.Path + ".old");
        Directory.CreateDirectory(worktree.Path);
        File.WriteAllText(worktree.File("new.txt"), "new task");
        try
        {
            var result = await sandbox.RunAsync(CommandSpec.Shell("ls; echo written > mine.txt") with { WorktreePath = worktree.Path });

            result.Stdout.ShouldBe("new.txt\n");
            sandbox.ReadyJailsUsed.ShouldBe(0);
            File.Exists(worktree.File("mine.txt")).ShouldBeTrue();
            File.Exists(Path.Join(worktree.Path + ".old", "mine.txt")).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(worktree.Path + ".old", recursive: true);
        }
    }

    private const string Interfaces = "awk -F: 'NR > 2 { gsub(/ /, \"\", $1); print $1 }' /proc/net/dev | sort | tr '\\n' ' '";

    [Fact]
    public async Task RunAsync_AnotherWorktreeOrNetworkPolicy_NeverTakesAJailOfAnotherShape()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var first = new TempFolder();
        using var second = new TempFolder();
        File.WriteAllText(second.File("second.txt"), "");
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path });
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = first.Path });
        await sandbox.ReadyJailsSettledAsync();

        var other = await sandbox.RunAsync(CommandSpec.Exec("ls") with { WorktreePath = second.Path });
        var online = await sandbox.RunAsync(CommandSpec.Shell(Interfaces) with { WorktreePath = first.Path, Network = NetworkPolicy.On });
        await sandbox.ReadyJailsSettledAsync();
        var offline = await sandbox.RunAsync(CommandSpec.Shell(Interfaces) with { WorktreePath = first.Path });

        other.Stdout.ShouldBe("second.txt\n");
        online.Stdout.ShouldBe("lo ", "a networked jail has a network namespace of its own too; its way out is a proxy socket");
        offline.Stdout.ShouldBe("lo ");
        sandbox.ReadyJailsUsed.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_ReadyJailKilledWhileIdle_NextCommandStillRuns()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var worktree = new TempFolder();
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, PrewarmLaunchers = false });
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
        await sandbox.ReadyJailsSettledAsync();
        var idle = HostProcesses.WithMarker(sandbox.JailEtcFolder);
        idle.ShouldNotBeEmpty("a jail waits for the next command");

        foreach (var pid in idle)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // It went with its parent.
            }
        }
        // Dead, not merely signalled: a jail killed while it takes its command is a command killed, reported as such.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (idle.Any(Alive) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }
        var result = await sandbox.RunAsync(CommandSpec.Shell("echo fine") with { WorktreePath = worktree.Path });

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe("fine\n");
    }

    [Fact]
    public async Task Dispose_EndsWaitingJails_AndRemovesTheirGroups()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var worktree = new TempFolder();
        var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, PrewarmLaunchers = false });
        sandbox.Cgroups.PidsParent.ShouldNotBeNull("this host has a writable pids cgroup");
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
        await sandbox.ReadyJailsSettledAsync();
        var idle = HostProcesses.WithMarker(sandbox.JailEtcFolder);
        idle.ShouldNotBeEmpty();
        var groups = idle.SelectMany(LauncherTests.OwnGroups).Distinct().ToList();
        groups.ShouldNotBeEmpty();

        sandbox.Dispose();

        HostProcesses.WithMarker(sandbox.JailEtcFolder).ShouldBeEmpty();
        groups.ShouldAllBe(g => !Directory.Exists(g));
    }

    [Fact]
    public async Task Sweep_EndsJailsIdleTooLongOrWhoseWorktreeIsGone()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var kept = new TempFolder();
        var removed = new TempFolder();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var sandbox = new BubblewrapSandbox(Options.Create(new SandboxOptions { StateDirectory = state.Path, PrewarmLaunchers = false }), NullLogger<BubblewrapSandbox>.Instance, clock, _ => null);
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = kept.Path });
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = removed.Path });
        await sandbox.ReadyJailsSettledAsync();
        sandbox.ReadyJailsWaiting.ShouldBe(2);

        removed.Dispose();
        sandbox.SweepReadyJails();
        sandbox.ReadyJailsWaiting.ShouldBe(1);

        clock.Advance(TimeSpan.FromMinutes(3));
        sandbox.SweepReadyJails();
        sandbox.ReadyJailsWaiting.ShouldBe(0);
        (await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = kept.Path })).ExitCode.ShouldBe(0);
        sandbox.ReadyJailsUsed.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_MoreShapesThanReadyJails_KeepsAtMostTheSetNumber()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        var worktrees = Enumerable.Range(0, 3).Select(_ => new TempFolder()).ToList();
        try
        {
            using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 2 });
            foreach (var worktree in worktrees)
            {
                await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
            }
            await sandbox.ReadyJailsSettledAsync();

            sandbox.ReadyJailsWaiting.ShouldBe(2);
            // The oldest made room: the last two worktrees find their jails, the first does not.
            await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktrees[2].Path });
            await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktrees[1].Path });
            sandbox.ReadyJailsUsed.ShouldBe(2);
        }
        finally
        {
            worktrees.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task RunAsync_ReadyJailsOff_SetsNoneUp()
    {
        using var state = new TempFolder("nightshift-ready-state-");
        using var worktree = new TempFolder();
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 0, PrewarmLaunchers = false });

        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
        await sandbox.ReadyJailsSettledAsync();

        sandbox.ReadyJailsWaiting.ShouldBe(0);
        sandbox.ReadyJailsUsed.ShouldBe(0);
        HostProcesses.WithMarker(sandbox.JailEtcFolder).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65")]
    [InlineData("many")]
    public void AddNightshiftSandbox_BadReadyJails_FailsWithTheSettingNamed(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:ReadyJails"] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddNightshiftSandbox().BuildServiceProvider();

        var error = Should.Throw<Exception>(() => provider.GetRequiredService<IOptions<SandboxOptions>>().Value);

        error.Message.ShouldContain("ReadyJails");
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
