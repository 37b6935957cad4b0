using Nightshift.Agent.Configuration;
using Nightshift.Agent.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Sandbox;
using Nightshift.TestKit;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Agent.Tests.Execution;

public sealed class TaskLimitWatchTests
{
    private static CommandResult Took(double cpuSeconds) =>
        new(0, "", "", TimeSpan.FromSeconds(1), TimedOut: false, Truncated: false) { CpuTime = TimeSpan.FromSeconds(cpuSeconds) };

    [Fact]
    public void Record_CpuSumPassesTheLimit_TripsTheTokenNamingThePhase()
    {
        using var worktree = new TempFolder();
        var clock = new SteppedClock();
        using var watch = new TaskLimitWatch(clock, clock.GetTimestamp(), () => TaskPhase.Building, CancellationToken.None);
        watch.Apply(new RepoTaskLimits { CpuSeconds = 1 });

        watch.Record(Took(0.6), worktree.Path, null);
        watch.Breach.ShouldBeNull();
        watch.Token.IsCancellationRequested.ShouldBeFalse();
        watch.Record(Took(0.6), worktree.Path, null);

        watch.Token.IsCancellationRequested.ShouldBeTrue();
        watch.Breach.ShouldBe(new TaskLimitBreach(TaskLimitBreach.CpuSeconds, 1, 2, "building"));
        watch.CpuTime.ShouldBe(TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public void Record_CommandsWithoutACpuFigure_CountNothing()
    {
        using var worktree = new TempFolder();
        var clock = new SteppedClock();
        using var watch = new TaskLimitWatch(clock, clock.GetTimestamp(), () => TaskPhase.Verifying, CancellationToken.None);
        watch.Apply(new RepoTaskLimits { CpuSeconds = 1 });

        watch.Record(new CommandResult(0, "", "", TimeSpan.FromSeconds(30), false, false), worktree.Path, null);

        watch.Breach.ShouldBeNull();
        watch.CpuTime.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Record_DiskGrowsRightAfterAWalk_SeenOnlyOnceTheIntervalHasPassed()
    {
        using var worktree = new TempFolder();
        using var cache = new TempFolder();
        var clock = new SteppedClock();
        using var watch = new TaskLimitWatch(clock, clock.GetTimestamp(), () => TaskPhase.Preparing, CancellationToken.None);
        watch.Apply(new RepoTaskLimits { DiskBytes = 1L << 20 });

        watch.Record(Took(0), worktree.Path, cache.Path);
        File.WriteAllBytes(cache.File("blob"), new byte[(1 << 20) + 1]);
        watch.Record(Took(0), worktree.Path, cache.Path);
        watch.Breach.ShouldBeNull("the second command came within the check interval, so the tree was not walked again");
        clock.Advance(TaskLimitWatch.DiskCheckInterval);
        watch.Record(Took(0), worktree.Path, null);

        watch.Breach.ShouldBe(new TaskLimitBreach(TaskLimitBreach.Disk, 1L << 20, (1L << 20) + 1, "preparing"));
    }

    [Fact]
    public void Record_LinkOutOfTheWorktree_NeitherFollowedNorCounted()
    {
        using var worktree = new TempFolder();
        using var elsewhere = new TempFolder();
        File.WriteAllBytes(elsewhere.File("huge"), new byte[2 << 20]);
        File.CreateSymbolicLink(worktree.File("link"), elsewhere.File("huge"));
        Directory.CreateSymbolicLink(worktree.File("dir"), elsewhere.Path);
        var clock = new SteppedClock();
        using var watch = new TaskLimitWatch(clock, clock.GetTimestamp(), () => TaskPhase.Building, CancellationToken.None);
        watch.Apply(new RepoTaskLimits { DiskBytes = 1L << 20 });

        watch.Record(Took(0), worktree.Path, null);

        watch.Breach.ShouldBeNull();
    }

    [Fact]
    public async Task Apply_TimeLimitAlreadyPassedSinceTheStart_TripsNamingTheTimeout()
    {
        var clock = new SteppedClock();
        var started = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromMinutes(2));
        using var watch = new TaskLimitWatch(clock, started, () => TaskPhase.Preparing, CancellationToken.None);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = watch.Token.Register(() => stopped.TrySetResult());

        watch.Apply(new RepoTaskLimits { Timeout = TimeSpan.FromMinutes(1) });

        await stopped.Task.WaitAsync(TestDefaults.Timeout);
        watch.Breach.ShouldBe(new TaskLimitBreach(TaskLimitBreach.Timeout, 60, 60, "preparing"));
        watch.Breach!.ToOutcome().Kind.ShouldBe(Core.Execution.OutcomeKind.TimedOut);
    }

    [Fact]
    public void Record_AttemptAlreadyStopped_NoBreachBlamed()
    {
        using var worktree = new TempFolder();
        using var stop = new CancellationTokenSource();
        var clock = new SteppedClock();
        using var watch = new TaskLimitWatch(clock, clock.GetTimestamp(), () => TaskPhase.Building, stop.Token);
        watch.Apply(new RepoTaskLimits { CpuSeconds = 1 });
        stop.Cancel();

        watch.Record(Took(5), worktree.Path, null);

        watch.Token.IsCancellationRequested.ShouldBeTrue();
        watch.Breach.ShouldBeNull();
    }

    [Fact]
    public void ToOutcome_CpuAndDisk_FailedWithTheLimitInTheDetails()
    {
        var cpu = new TaskLimitBreach(TaskLimitBreach.CpuSeconds, 3600, 3601, "verifying").ToOutcome();
        var disk = new TaskLimitBreach(TaskLimitBreach.Disk, 5L << 30, (5L << 30) + 1, "building").ToOutcome();

        cpu.Kind.ShouldBe(Core.Execution.OutcomeKind.Failed);
        cpu.Reason.ShouldNotBeNull().ShouldContain("used 3601 s of CPU time, past the repository's task limit of 60 min (limits.task.cpu_seconds in .nightshift.yml) while verifying");
        cpu.DetailsJson.ShouldBe("""{"phase":"verifying","limit":"task.cpu_seconds","limitValue":3600,"limitUsed":3601}""");
        disk.Kind.ShouldBe(Core.Execution.OutcomeKind.Failed);
        disk.Reason.ShouldNotBeNull().ShouldContain("past the repository's task limit of 5 GiB (limits.task.disk in .nightshift.yml) while building");
    }

    /// <summary>A clock whose timestamps move only when told, so the disk check's interval is exact.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
