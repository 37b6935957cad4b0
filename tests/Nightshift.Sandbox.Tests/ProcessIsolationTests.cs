using System.Runtime.InteropServices;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract partial class ProcessIsolationTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_WorkerHoldsSecrets_NoneReachEnvOrAnyProcessEnviron()
    {
        var secrets = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-canary-openai-" + Guid.NewGuid().ToString("N"),
            ["ANTHROPIC_API_KEY"] = "sk-ant-canary-" + Guid.NewGuid().ToString("N"),
            ["GITHUB_TOKEN"] = "ghp_canary" + Guid.NewGuid().ToString("N"),
            ["NIGHTSHIFT_CANARY_SECRET"] = "canary-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var (name, value) in secrets)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        try
        {
            using var worktree = new TempFolder();
            var result = await jail.ShellAsync(worktree, "sleep 5 & env; echo ===; cat /proc/[0-9]*/environ | tr '\\0' '\\n'; echo ===; cat /proc/1/cmdline | tr '\\0' ' '; kill %1");

            result.ExitCode.ShouldBe(0, result.Stderr);
            result.Stdout.ShouldContain("CI=true");
            result.Stdout.ShouldContain("HOME=/home/sandbox");
            foreach (var (name, value) in secrets)
            {
                result.Stdout.ShouldNotContain(value);
                result.Stdout.ShouldNotContain(name + "=");
                result.Stderr.ShouldNotContain(value);
            }
        }
        finally
        {
            foreach (var name in secrets.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Fact]
    public async Task RunAsync_ListingProcesses_ShowsOnlyTheJailsOwn()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "ps -eo pid=,comm=; echo ===; ls /proc | grep -E '^[0-9]+$' | wc -l");

        result.ExitCode.ShouldBe(0, result.Stderr);
        var parts = result.Stdout.Split("===\n");
        var processes = parts[0].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        processes.Count.ShouldBeLessThanOrEqualTo(3, string.Join(" | ", processes));
        processes.ShouldContain(p => p.StartsWith("1 ", StringComparison.Ordinal));
        processes.ShouldNotContain(p => p.Contains("dotnet", StringComparison.Ordinal) || p.Contains("testhost", StringComparison.Ordinal));
        int.Parse(parts[1].Trim(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(5);
    }

    [Fact]
    public async Task RunAsync_InsideJail_NoNewPrivsNoCapabilitiesAndNotRoot()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "grep -E '^(NoNewPrivs|CapEff|CapPrm|CapBnd):' /proc/self/status; id -u; hostname");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("NoNewPrivs:\t1");
        result.Stdout.ShouldContain("CapEff:\t0000000000000000");
        result.Stdout.ShouldContain("CapPrm:\t0000000000000000");
        result.Stdout.ShouldContain("CapBnd:\t0000000000000000");
        result.Stdout.ShouldContain("\n1000\n");
        result.Stdout.ShouldEndWith("nightshift\n");
    }

    [Fact]
    public async Task RunAsync_WorkerHasLeakyDescriptor_JailSeesOnlyStandardStreams()
    {
        // An inherited descriptor without close-on-exec, as a CI runner or a shell might leave in the worker.
        var leaked = Dup(0);
        leaked.ShouldBeGreaterThan(2);
        try
        {
            using var worktree = new TempFolder();

            var result = await jail.RunAsync(CommandSpec.Exec("ls", "/proc/self/fd") with { WorktreePath = worktree.Path });

            // ls lists its own descriptors: 0-2 and the one it opened to read the folder itself.
            result.ExitCode.ShouldBe(0, result.Stderr);
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["0", "1", "2", "3"]);
        }
        finally
        {
            _ = Close(leaked);
        }
    }

    [Fact]
    public async Task RunAsync_ProbingEveryDescriptorNumber_FindsOnlyStandardStreamsOpen()
    {
        var leaked = Dup(1);
        try
        {
            using var worktree = new TempFolder();

            // `test -e` opens nothing itself, so unlike ls this sees exactly the shell's own table.
            var result = await jail.ShellAsync(worktree, $"for n in $(seq 0 {Math.Max(1024, leaked + 1)}); do [ -e /proc/$$/fd/$n ] && echo $n; done; true");

            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["0", "1", "2"]);
        }
        finally
        {
            _ = Close(leaked);
        }
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class ProcessIsolationTestsInNewJails(Jail jail) : ProcessIsolationTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class ProcessIsolationTestsInReadyJails(ReadyJailFixture jail) : ProcessIsolationTests(jail), IClassFixture<ReadyJailFixture>;
