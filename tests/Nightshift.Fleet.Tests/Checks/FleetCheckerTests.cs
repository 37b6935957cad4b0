using Nightshift.Bench.Fleet.Checks;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Storage;
using Xunit.Abstractions;

namespace Nightshift.Fleet.Tests.Checks;

/// <summary>
/// The checks on a hand-made run in a real database with a real remote: the clean run passes every check, and each
/// planted violation is found under its check with the right task id.
/// </summary>
[RequiresPostgres]
public sealed class FleetCheckerTests(FleetCheckerTests.Cluster fixture, ITestOutputHelper output) : IClassFixture<FleetCheckerTests.Cluster>, IAsyncLifetime
{
    private CheckWorld _world = null!;

    public async Task InitializeAsync() => _world = await CheckWorld.CreateAsync(fixture.Postgres);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [StoreFact]
    public async Task CleanRun_PassesEveryCheck_AndCountsEachTaskExactlyOnce()
    {
        var (single, cancelled) = await CleanRunAsync();

        var report = await CheckAsync();

        report.Violations.ShouldBeEmpty();
        report.Overall.ShouldBe(new OutcomeCounts(2, 2, 0, 0));
        report.FinalStatuses.ShouldBe(new Dictionary<string, int> { ["cancelled"] = 1, ["succeeded"] = 1 });
        single.FinalStatus.ShouldBe("succeeded");
        cancelled.FinalStatus.ShouldBe("cancelled");
    }

    [StoreFact]
    public async Task GapInSequence_IsAnEventsViolation()
    {
        var (single, _) = await CleanRunAsync();
        await _world.ExecuteAsync("DELETE FROM events WHERE task_id = @id AND seq = 3", ("id", single.Id));

        var violation = (await CheckAsync()).Violations.ShouldHaveSingleItem();

        violation.Check.ShouldBe("events");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("#3 is missing");
    }

    [StoreFact]
    public async Task TwoTerminalEvents_AreAnEndedViolation()
    {
        var (single, _) = await CleanRunAsync();
        await _world.AddEventAsync(single.Id, 7, 9_000, "task.failed", """{"reason":"again"}""");
        await _world.ExecuteAsync("UPDATE tasks SET last_seq = 7 WHERE id = @id", ("id", single.Id));

        var violation = (await CheckAsync()).Violations.ShouldHaveSingleItem();

        violation.Check.ShouldBe("ended");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("2 terminal events");
    }

    [StoreFact]
    public async Task TaskStillRunning_IsLost()
    {
        var (single, _) = await CleanRunAsync();
        await _world.ExecuteAsync("UPDATE tasks SET status = 'running' WHERE id = @id", ("id", single.Id));
        single.FinalStatus = null;

        var report = await CheckAsync();

        report.Violations.ShouldContain(v => v.Check == "ended" && v.TaskIds.Single() == single.Id && v.Message.Contains("never ended"));
        report.Overall.Lost.ShouldBe(1);
    }

    [StoreFact]
    public async Task CancelKindThatSucceededAfterTheCancelRequest_IsAnOutcomeViolation()
    {
        await CleanRunAsync();
        var late = await _world.TaskAsync(3, FleetTaskKind.Cancel, "failed",
        [
            (0, "task.queued", "{}"),
            (100, "task.started", Started(CheckWorld.W2)),
            (900, "task.failed", """{"reason":"the model said no"}"""),
        ]);
        late.CancelRequestedAt = CheckWorld.At(2_000);

        var violation = (await CheckAsync()).Violations.ShouldHaveSingleItem();

        violation.Check.ShouldBe("outcome");
        violation.TaskIds.ShouldBe([late.Id]);
        violation.Message.ShouldContain("expected cancelled");
        violation.Message.ShouldContain("the model said no");
    }

    [StoreFact]
    public async Task SubtaskBuiltAgainAfterItsCheckpoint_IsRebuilt_AndCountedDuplicated()
    {
        var (single, _) = await CleanRunAsync();
        _world.Call(9, 5_000, "w2", "ft0001", "s1", ModelCallKind.BuildStart);

        var report = await CheckAsync();

        var violation = report.Violations.ShouldHaveSingleItem();
        violation.Check.ShouldBe("rebuilt");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("w2#9");
        report.Overall.ShouldBe(new OutcomeCounts(2, 1, 0, 1));
    }

    [StoreFact]
    public async Task StampFromAnotherWorkerInsideAnAttempt_IsFenced()
    {
        // w2 lost nothing it ever held: its model call's stamp turns up in w1's attempt, as a zombie's write would.
        _world.Call(8, 300, "w2", "ft0001", "s1", ModelCallKind.BuildTurn);
        var single = await SingleAsync("nightshift/abcd0001-write", zombieStamp: "w2#8");

        var violation = (await CheckAsync()).Violations.ShouldHaveSingleItem();

        violation.Check.ShouldBe("fenced");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("w2#8");
        violation.Message.ShouldContain("attempt 1, whose lease w1 held");
    }

    [StoreFact]
    public async Task DeliveredFileStampedByAWorkerWithoutTheLease_IsFenced()
    {
        var branch = "nightshift/abcd0001-write";
        var single = await SingleAsync(branch, fileStamp: "w2#7");
        _world.Call(7, 300, "w2", "ft0001", "s1", ModelCallKind.BuildTurn);

        var violation = (await CheckAsync()).Violations.ShouldHaveSingleItem();

        violation.Check.ShouldBe("fenced");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("while w1 held the lease");
    }

    [StoreFact]
    public async Task BranchFailingItsTest_IsADeliveredViolation()
    {
        var single = await SingleAsync("nightshift/abcd0001-write", firstLine: "not-the-name");

        var violations = (await CheckAsync()).Violations;

        violations.ShouldAllBe(v => v.Check == "delivered" && v.TaskIds.Single() == single.Id);
        violations.ShouldContain(v => v.Message.Contains("fails its tests") && v.Message.Contains("ft0001-s1.txt does not start with its name"));
        violations.ShouldContain(v => v.Message.Contains("its first line is 'not-the-name'"));
    }

    [StoreFact]
    public async Task MissingPullRequest_IsDelivered_AndTheTaskLost()
    {
        var (single, _) = await CleanRunAsync();
        await _world.ExecuteAsync("DELETE FROM pull_requests WHERE task_id = @id", ("id", single.Id));

        var report = await CheckAsync();

        var violation = report.Violations.ShouldHaveSingleItem();
        violation.Check.ShouldBe("delivered");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("without a pull request");
        report.Overall.Lost.ShouldBe(1);
    }

    [StoreFact]
    public async Task SecondBranchOfTheSameTask_IsDuplicated()
    {
        var (single, _) = await CleanRunAsync();
        _world.Push("nightshift/abcd0001-write-again", ("ft0001-s1.txt", "ft0001-s1\nstamp w1#1\n"));

        var report = await CheckAsync();

        var violation = report.Violations.ShouldHaveSingleItem();
        violation.Check.ShouldBe("delivered");
        violation.TaskIds.ShouldBe([single.Id]);
        violation.Message.ShouldContain("2 branches");
        report.Overall.Duplicated.ShouldBe(1);
    }

    [StoreFact]
    public async Task LeftoverProcessAndWorktreeOfASucceededTask_AreLeftovers_AFailedTasksWorktreeIsNot()
    {
        var (single, _) = await CleanRunAsync();
        var failed = await _world.TaskAsync(3, FleetTaskKind.Single, "failed",
        [
            (0, "task.queued", "{}"),
            (100, "task.started", Started(CheckWorld.W2)),
            (900, "task.failed", """{"reason":"the model said no"}"""),
        ]);
        _world.Processes.Add(new LeftoverProcess(4242, "bwrap --die-with-parent sh -c test", "w1"));
        _world.Worktrees.Add(new LeftoverWorktree("/tmp/run/w1/worktrees/" + single.Id, "w1", single.Id));
        _world.Worktrees.Add(new LeftoverWorktree("/tmp/run/w2/worktrees/" + failed.Id, "w2", failed.Id));

        var leftovers = (await CheckAsync()).Violations.Where(v => v.Check == "leftovers").ToList();

        leftovers.Count.ShouldBe(2);
        leftovers.ShouldContain(v => v.Message.Contains("4242"));
        leftovers.ShouldContain(v => v.TaskIds.SequenceEqual(new[] { single.Id }));
    }

    [StoreFact]
    public async Task Figures_LatencyThroughputRecoveryAndPerFault_AreComputedFromTheStore()
    {
        // The single task was running on w1 when it was killed at 1 s; it started again on w2 at 4.5 s.
        var (single, cancelled) = await CleanRunAsync(killed: true);
        _world.Faults.Add(new FaultRecord(FaultKind.WorkerKill, "w1", CheckWorld.At(1_000), null, [single.Id], "SIGKILL"));
        _world.Memory.Add(new MemorySample(CheckWorld.At(0), 200_000_000, 2, 0));
        _world.Memory.Add(new MemorySample(CheckWorld.At(500), 260_000_000, 2, 2));
        _world.Memory.Add(new MemorySample(CheckWorld.At(900), 230_000_000, 2, 1));

        var report = await CheckAsync(faultsEndedOffsetMs: 3_000, finishedOffsetMs: 63_000);

        report.Violations.ShouldBeEmpty();
        // Claims: single queued 0 → started 100 (100 ms, during); retry backoff ends 4 000 → started 4 500 (500 ms, after);
        // cancelled queued 0 → started 50 (50 ms, during).
        report.DuringFaults.Claims.ShouldBe(2);
        report.DuringFaults.P50Ms.ShouldBe(50);
        report.DuringFaults.P99Ms.ShouldBe(100);
        report.AfterFaults.Claims.ShouldBe(1);
        report.AfterFaults.MaxMs.ShouldBe(500);
        // Cancelled ended at 800 ms (during: 1 task in 3 s = 20/min); single at 9 000 ms (after: 1 task in 60 s = 1/min).
        report.DuringFaults.TasksPerMinute.ShouldBe(20, 0.001);
        report.AfterFaults.TasksPerMinute.ShouldBe(1, 0.02);
        report.KillRecovery.ShouldBe(new RecoveryFigures(1, 3.5, 3.5, 4));
        report.MemoryPerRunningTaskBytes.ShouldBe(30_000_000);
        var kill = report.PerFault.ShouldHaveSingleItem();
        kill.ShouldBe(new FaultFigures(FaultKind.WorkerKill, 1, 1, 1, 0, 0));
        cancelled.FinalStatus.ShouldBe("cancelled");
    }

    [StoreFact]
    public async Task MeasureAsync_CountsTheClaimsAndEndsInItsWindow()
    {
        await CleanRunAsync();

        var figures = await FleetChecker.MeasureAsync(_world.Database, CheckWorld.At(0), CheckWorld.At(60_000), CancellationToken.None);

        figures.Claims.ShouldBe(2);
        figures.P50Ms.ShouldBe(50);
        figures.MaxMs.ShouldBe(100);
        figures.TasksPerMinute.ShouldBe(2, 0.01);
    }

    [StoreFact]
    public async Task Report_PrintsTheFiguresAndEachViolationWithItsTaskIds()
    {
        var (single, _) = await CleanRunAsync();
        await _world.ExecuteAsync("DELETE FROM events WHERE task_id = @id AND seq = 3", ("id", single.Id));
        var observations = _world.Observations();
        var report = await FleetChecker.CheckAsync(observations, CancellationToken.None);
        ScalePoint[] scale =
        [
            new(1, 20, new LatencyFigures(20, 40, 90, 95, 10)),
            new(2, 20, new LatencyFigures(20, 45, 95, 99, 18)),
        ];

        var text = new StringWriter();
        ReportWriter.Print(report, observations, scale, text);
        var markdown = ReportWriter.Markdown(report, observations, scale);
        output.WriteLine(text.ToString());
        output.WriteLine(markdown);

        text.ToString().ShouldContain("seed 1, 2 tasks, 2 workers × 2 slots, lease 4 s");
        text.ToString().ShouldContain("[events]");
        text.ToString().ShouldContain(single.Id);
        text.ToString().ShouldContain("1.80×");
        markdown.ShouldContain("| fault | injected | tasks hit | exactly once | lost | duplicated |");
        markdown.ShouldContain("| events |");
        markdown.ShouldContain(single.Id);
    }

    /// <summary>
    /// A clean run: ft0001 (single, one subtask, built by w1 with stamp w1#1, delivered with a pull request) and ft0002
    /// (cancel kind, cancelled while running on w2).
    /// </summary>
    private async Task<(FleetTask Single, FleetTask Cancelled)> CleanRunAsync(bool killed = false)
    {
        var single = await SingleAsync("nightshift/abcd0001-write", killed: killed);
        var cancelled = await _world.TaskAsync(2, FleetTaskKind.Cancel, "cancelled",
        [
            (0, "task.queued", "{}"),
            (50, "task.started", Started(CheckWorld.W2)),
            (600, "task.cancel_requested", "{}"),
            (800, "task.cancelled", """{"reason":"cancelled while it was running"}"""),
        ]);
        cancelled.CancelRequestedAt = CheckWorld.At(590);
        return (single, cancelled);
    }

    /// <summary>
    /// ft0001: one subtask built by w1 (stamp w1#1) and delivered. <paramref name="killed"/>: w1 lost it at 1.2 s (the
    /// retry's backoff ends at 4 s) and w2 resumed it at 4.5 s, completing the subtask from the checkpoint.
    /// <paramref name="zombieStamp"/>: a second tool call in w1's attempt carries that stamp.
    /// </summary>
    private async Task<FleetTask> SingleAsync(string branch, string firstLine = "ft0001-s1", string fileStamp = "w1#1", bool killed = false, string? zombieStamp = null)
    {
        var call = _world.Call(1, 200, "w1", "ft0001", "s1", ModelCallKind.BuildStart);
        var shift = killed ? 4_000 : 0;
        var events = new List<(long, string, string)>
        {
            (0, "task.queued", "{}"),
            (100, "task.started", Started(CheckWorld.W1)),
            (150, "subtask.started", """{"id":"s1"}"""),
            (250, "tool.call", ToolCall(call.Stamp)),
        };
        if (zombieStamp is not null)
        {
            events.Add((350, "tool.call", ToolCall(zombieStamp)));
        }
        if (killed)
        {
            events.Add((1_200, "task.retrying", """{"reason":"lease expired","attempt":1,"runAfter":"2026-12-05T10:00:04+00:00"}"""));
            events.Add((4_500, "task.started", Started(CheckWorld.W2, attempt: 2)));
        }
        events.Add((killed ? 4_800 : 400, "subtask.completed", """{"id":"s1","commit":"abc","summary":"wrote it","steps":2}"""));
        events.Add((5_000 + shift, "task.succeeded", "{}"));
        var single = await _world.TaskAsync(1, FleetTaskKind.Single, "succeeded", events, branch: branch);
        _world.Push(branch, ("ft0001-s1.txt", $"{firstLine}\nstamp {fileStamp}\n"));
        await _world.PullRequestAsync(single, branch);
        return single;
    }

    private Task<FleetReport> CheckAsync(long faultsEndedOffsetMs = 30_000, long finishedOffsetMs = 60_000) =>
        FleetChecker.CheckAsync(_world.Observations(faultsEndedOffsetMs: faultsEndedOffsetMs, finishedOffsetMs: finishedOffsetMs), CancellationToken.None);

    private static string Started(int pid, int attempt = 1) => $$"""{"attempt":{{attempt}},"worker":"{{CheckWorld.Owner(pid)}}"}""";

    private static string ToolCall(string stamp) =>
        $$"""{"callId":"c1","tool":"write_file","arguments":"{\"path\":\"ft0001-s1.txt\",\"content\":\"ft0001-s1\\nstamp {{stamp}}\\n\"}"}""";

    /// <summary>One PostgreSQL cluster for the class; each test has its own database.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public PostgresCluster Postgres { get; } = new();

        public Task InitializeAsync() => Postgres.InitializeAsync();

        public Task DisposeAsync() => Postgres.DisposeAsync();
    }
}
