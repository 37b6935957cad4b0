using Nightshift.TestKit;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class LimitTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_ForkBomb_HeldByProcessLimitThenTreeKilledAndNextCommandWorks()
    {
        jail.Sandbox.Cgroups.PidsParent.ShouldNotBeNull("this host has a writable pids cgroup; without one a fork bomb is not contained for root");
        using var worktree = new TempFolder();
        var marker = "nsbomb" + Guid.NewGuid().ToString("N");

        var result = await jail.ShellAsync(worktree, $"bomb() {{ bomb | bomb & }}; (exec -a {marker} sleep 60) & bomb; wait",
            s => s with { Timeout = TimeSpan.FromSeconds(2), Limits = new SandboxLimits { Processes = 40 } });

        result.LimitHit.ShouldBe(SandboxLimit.Processes);
        result.TimedOut.ShouldBeTrue();
        HostProcesses.WithMarker(marker).ShouldBeEmpty();
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_ProcessLimit_RefusesForksBeyondIt()
    {
        using var worktree = new TempFolder();

        var script = "import os, time\nn = 0\ntry:\n    while n < 30:\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n    print(n, e.errno)\n";

        var result = await jail.RunAsync(CommandSpec.Exec("python3", "-c", script) with
        {
            WorktreePath = worktree.Path,
            Limits = new SandboxLimits { Processes = 10 },
        });

        result.LimitHit.ShouldBe(SandboxLimit.Processes);
        var parts = result.Stdout.Trim().Split(' ');
        int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThan(10, result.Stderr);
        parts[1].ShouldBe("11");
    }

    [Fact]
    public async Task RunAsync_MemoryBomb_KilledByMemoryLimit()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "python3 -c 'a = []\nwhile True: a.append(bytearray(8 << 20))'",
            s => s with { Limits = new SandboxLimits { MemoryBytes = 96L << 20 } });

        result.ExitCode.ShouldNotBe(0);
        result.LimitHit.ShouldBe(SandboxLimit.Memory, result.Stderr);
        result.Signal.ShouldBe(9);
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_AddressSpaceLimit_StopsAllocationInProcess()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "python3 -c 'a = []\nwhile True: a.append(bytearray(8 << 20))'",
            s => s with { Limits = new SandboxLimits { AddressSpaceBytes = 128L << 20 } });

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("MemoryError");
    }

    [Fact]
    public async Task RunAsync_DiskFill_StoppedByFileSizeLimit()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "head -c 20000000 /dev/zero > big.bin",
            s => s with { Limits = new SandboxLimits { FileSizeBytes = 1 << 20 } });

        result.LimitHit.ShouldBe(SandboxLimit.FileSize);
        result.Signal.ShouldBe(25);
        new FileInfo(worktree.File("big.bin")).Length.ShouldBeLessThanOrEqualTo(1 << 20);
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_EndlessLoop_StoppedByCpuLimit()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "while :; do :; done",
            s => s with { Limits = new SandboxLimits { CpuSeconds = 1 } });

        result.LimitHit.ShouldBe(SandboxLimit.CpuTime);
        result.Signal.ShouldBe(24);
        result.TimedOut.ShouldBeFalse();
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_BusyChildren_CpuTimeOfTheWholeJailReported()
    {
        jail.Sandbox.Cgroups.CpuParent.ShouldNotBeNull("this host has a writable cpuacct (v1) or delegated v2 cgroup, which accounts a jail's CPU time");
        using var worktree = new TempFolder();

        // Two children spin for 0.6 s of CPU each (RLIMIT_CPU-free busy loops bounded by their own clock).
        var busy = "python3 -c 'import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass'";
        var result = await jail.ShellAsync(worktree, $"{busy} & {busy}; wait");

        result.ExitCode.ShouldBe(0, result.Stderr);
        var cpu = result.CpuTime.ShouldNotBeNull();
        cpu.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.2));
        cpu.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_IdleCommand_CpuTimeNearZero()
    {
        jail.Sandbox.Cgroups.CpuParent.ShouldNotBeNull("this host has a writable cpuacct (v1) or delegated v2 cgroup");
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "sleep 1");

        result.CpuTime.ShouldNotBeNull().ShouldBeLessThan(TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsWholeTreeIncludingDetachedChildren()
    {
        using var worktree = new TempFolder();
        var marker = "nstimeout" + Guid.NewGuid().ToString("N");

        var result = await jail.ShellAsync(worktree,
            $"echo started; (exec -a {marker} sleep 60) & setsid bash -c 'exec -a {marker} sleep 60' & nohup bash -c 'exec -a {marker} sleep 60' >/dev/null 2>&1 & sleep 60",
            s => s with { Timeout = TimeSpan.FromMilliseconds(700) });

        result.TimedOut.ShouldBeTrue();
        result.LimitHit.ShouldBe(SandboxLimit.WallClock);
        result.Stdout.ShouldBe("started\n");
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        HostProcesses.WithMarker(marker).ShouldBeEmpty();
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_BackgroundChildOutlivesMainCommand_KilledWhenItExits()
    {
        using var worktree = new TempFolder();
        var marker = "nsorphan" + Guid.NewGuid().ToString("N");

        var result = await jail.ShellAsync(worktree, $"(exec -a {marker} sleep 60) >/dev/null 2>&1 & echo left-behind");

        result.ExitCode.ShouldBe(0);
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        HostProcesses.WithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_CancelledMidway_KillsTreePromptlyAndThrows()
    {
        using var worktree = new TempFolder();
        var marker = "nscancel" + Guid.NewGuid().ToString("N");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();

        var run = jail.ShellAsync(worktree, $"(exec -a {marker} sleep 60) & echo started; wait",
            s => s with { OnOutput = line => { if (line.Text == "started") { started.TrySetResult(); } } },
            cancel.Token);
        await started.Task.WaitAsync(TestDefaults.Timeout);
        HostProcesses.WithMarker(marker).ShouldNotBeEmpty();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        HostProcesses.WithMarker(marker).ShouldBeEmpty();
        await ShouldStillWorkAsync(worktree);
    }

    [Fact]
    public async Task RunAsync_OpenFilesLimit_RefusesMoreDescriptors()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "ulimit -n; python3 -c 'import os\nfds=[]\ntry:\n  while True: fds.append(os.open(\"/dev/null\", os.O_RDONLY))\nexcept OSError as e: print(len(fds) < 40, e.errno)'",
            s => s with { Limits = new SandboxLimits { OpenFiles = 32 } });

        result.Stdout.ShouldBe("32\nTrue 24\n", result.Stderr);
    }

    [Fact]
    public async Task RunAsync_TmpfsFull_WriteFailsWithNoSpace()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "head -c 8000000 /dev/zero > /tmp/fill; echo rc=$?",
            s => s with { Limits = new SandboxLimits { TmpfsBytes = 2 << 20 } });

        result.Stdout.ShouldBe("rc=1\n");
        result.Stderr.ShouldContain("No space left");
    }

    [Fact]
    public async Task RunAsync_CallingThreadEndsWhileJailRuns_JailIsNotKilled()
    {
        // --die-with-parent fires when the thread that forked bubblewrap ends; the sandbox must not fork from callers' threads.
        using var worktree = new TempFolder();
        Task<CommandResult>? run = null;
        using var started = new ManualResetEventSlim();
        var caller = new Thread(() =>
        {
            run = jail.ShellAsync(worktree, "echo started; sleep 0.5; echo alive", s => s with { OnOutput = _ => started.Set() });
            started.Wait(TestDefaults.Timeout);
        });
        caller.Start();
        caller.Join();

        var result = await run!.WaitAsync(TestDefaults.Timeout);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe("started\nalive\n");
    }

    private async Task ShouldStillWorkAsync(TempFolder worktree)
    {
        var next = await jail.ShellAsync(worktree, "echo still-works");
        next.ExitCode.ShouldBe(0, next.Stderr);
        next.Stdout.ShouldBe("still-works\n");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class LimitTestsInNewJails(Jail jail) : LimitTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class LimitTestsInReadyJails(ReadyJailFixture jail) : LimitTests(jail), IClassFixture<ReadyJailFixture>;
