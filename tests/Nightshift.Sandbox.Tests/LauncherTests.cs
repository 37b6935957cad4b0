using System.Diagnostics;
using Nightshift.Sandbox.Internal;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public sealed class LauncherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_AfterACommand_NextLauncherWaitsInItsOwnCgroupUntilDisposed()
    {
        using var state = new TempFolder("nightshift-launcher-state-");
        using var worktree = new TempFolder();
        var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 0 });

        (await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path })).ExitCode.ShouldBe(0);

        var idle = await WaitForAsync(() => HostProcesses.WithMarker(state.Path), found => found.Count == 1);
        idle.Count.ShouldBe(1);
        var groups = OwnGroups(idle[0]);
        if (sandbox.Cgroups.PidsParent is not null)
        {
            groups.ShouldNotBeEmpty();
        }
        sandbox.Dispose();
        HostProcesses.WithMarker(state.Path).ShouldBeEmpty();
        groups.ShouldAllBe(g => !Directory.Exists(g));
    }

    [Fact]
    public async Task RunAsync_IdleLauncherKilled_NextCommandStillRuns()
    {
        using var state = new TempFolder("nightshift-launcher-state-");
        using var worktree = new TempFolder();
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 0 });
        await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });
        var idle = await WaitForAsync(() => HostProcesses.WithMarker(state.Path), found => found.Count == 1);

        idle.Count.ShouldBe(1);
        Process.GetProcessById(idle[0]).Kill();
        var result = await sandbox.RunAsync(CommandSpec.Shell("echo fine") with { WorktreePath = worktree.Path });

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe("fine\n");
    }

    [Fact]
    public async Task RunAsync_PrewarmOff_LeavesNoLauncherBehind()
    {
        using var state = new TempFolder("nightshift-launcher-state-");
        using var worktree = new TempFolder();
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, PrewarmLaunchers = false, ReadyJails = 0 });

        var result = await sandbox.RunAsync(CommandSpec.Shell("echo fine") with { WorktreePath = worktree.Path });

        result.Stdout.ShouldBe("fine\n");
        HostProcesses.WithMarker(state.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_ConcurrentCommands_EachRunsUnderItsOwnProcessLimit()
    {
        using var state = new TempFolder("nightshift-launcher-state-");
        using var worktree = new TempFolder();
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = state.Path, ReadyJails = 0 });
        sandbox.Cgroups.PidsParent.ShouldNotBeNull("this host has a writable pids cgroup");

        // Five sleepers each fit a limit of 8 only if no other command's processes count against it.
        var script = "for i in 1 2 3 4 5; do sleep 1 & done; wait && echo done";
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            sandbox.RunAsync(CommandSpec.Shell(script) with { WorktreePath = worktree.Path, Limits = new SandboxLimits { Processes = 8 } })));

        results.ShouldAllBe(r => r.Stdout == "done\n" && r.LimitHit == SandboxLimit.None);
    }

    [Fact]
    public async Task Launcher_EndOfInputWhileIdle_LeavesAndRemovesItsGroups()
    {
        using var state = new TempFolder("nightshift-launcher-state-");
        var support = CgroupSupport.Detect();
        support.PidsParent.ShouldNotBeNull("this host has a writable pids cgroup");
        var launcher = await JailLauncher.StartAsync("/bin/bash", support, state.Path);
        var groups = launcher.Cgroups!.ProcsFiles.Select(Path.GetDirectoryName).ToList();
        groups.ShouldAllBe(g => Directory.Exists(g));

        using var patience = new CancellationTokenSource(Patience);
        launcher.Process.StandardInput.Close();
        await launcher.Process.WaitForExitAsync(patience.Token);

        launcher.Process.ExitCode.ShouldBe(0);
        groups.ShouldAllBe(g => !Directory.Exists(g));
        launcher.Dispose();
    }

    [Fact]
    public void LauncherScript_ReportsJoinFailureWithTheTextTheSandboxLooksFor()
    {
        JailScripts.Launcher.ShouldContain($"echo \"{JailScripts.CgroupJoinFailed} $f\"");
    }

    internal static List<string> OwnGroups(int pid) =>
        [.. File.ReadAllLines($"/proc/{pid}/cgroup")
            .Select(l => l.Split(':', 3))
            .Where(p => p.Length == 3 && p[2].Contains("/" + CgroupSupport.GroupName + "/", StringComparison.Ordinal))
            .Select(p => Path.Join("/sys/fs/cgroup", p[1].Split(',')[0], p[2]))
            .Where(Directory.Exists)];

    private static async Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = probe();
            if (done(value) || clock.Elapsed > Patience)
            {
                return value;
            }
            await Task.Yield();
            Thread.Sleep(10);
        }
    }
}
