using System.Collections.Concurrent;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task Claim_QueuedTasks_TakesHighestPriorityThenOldest()
    {
        var low = await SubmitAsync(Ask("low", priority: 0));
        var highOld = await SubmitAsync(Ask("high old", priority: 10));
        var highNew = await SubmitAsync(Ask("high new", priority: 10));

        var claimed = new[] { await ClaimAsync("w:1"), await ClaimAsync("w:2"), await ClaimAsync("w:3") };

        claimed.Select(l => l.TaskId).ShouldBe([highOld.Id, highNew.Id, low.Id]);
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();
    }

    [StoreFact]
    public async Task Claim_QueuedTask_StartsAnAttemptWithAFreshLease()
    {
        var task = await SubmitAsync();

        var lease = await ClaimAsync("host:7:2");

        lease.Attempt.ShouldBe(1);
        lease.WorkerId.ShouldBe("host:7:2");
        lease.ExpiresAt.ShouldBe(Clock.GetUtcNow() + LeaseTime);
        lease.Checkpoint.ShouldBeNull();
        lease.Token.Length.ShouldBeGreaterThanOrEqualTo(32);
        var stored = await Store.FindAsync(task.Id);
        stored!.Status.ShouldBe(TaskState.Running);
        stored.Attempts.ShouldBe(1);
        stored.LeaseOwner.ShouldBe("host:7:2");
        stored.StartedAt.ShouldBe(Clock.GetUtcNow());
        var events = await EventsAsync(task.Id);
        Types(events).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskStarted]);
        events[1].Data.ShouldNotContain(lease.Token);
    }

    [StoreFact]
    public async Task Claim_ZeroLeaseDuration_GetsTheStoresDefaultLease()
    {
        await SubmitAsync();
        var store = await OpenAsync(new StoreOptions { LeaseDuration = TimeSpan.FromSeconds(45), RetryJitter = 0 });

        var lease = await store.TryClaimAsync(new ClaimRequest("host:1:0", TimeSpan.Zero));

        lease.ShouldNotBeNull().ExpiresAt.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(45));
        Clock.Advance(TimeSpan.FromSeconds(30));
        (await store.HeartbeatAsync(lease)).ExpiresAt.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(45));
    }

    [StoreFact]
    public async Task Claim_RunAfterInTheFuture_SkipsItButNotOthers()
    {
        var later = await SubmitAsync(Ask("later") with { RunAfter = Clock.GetUtcNow().AddMinutes(5) });
        var now = await SubmitAsync(Ask("now"));

        (await ClaimAsync()).TaskId.ShouldBe(now.Id);
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();
        Clock.Advance(TimeSpan.FromMinutes(5));
        (await ClaimAsync()).TaskId.ShouldBe(later.Id);
    }

    [StoreFact]
    public async Task Claim_ConcurrentClaimers_EachTaskHeldByExactlyOne()
    {
        const int tasks = 8;
        for (var i = 0; i < tasks; i++)
        {
            await SubmitAsync(Ask($"task {i}"));
        }
        var other = await OpenAsync();
        var claims = new ConcurrentBag<Lease>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimers = Enumerable.Range(0, 4).Select(async worker =>
        {
            await start.Task;
            var store = worker % 2 == 0 ? Store : other;
            while (await store.TryClaimAsync(Claimer($"w:{worker}")) is { } lease)
            {
                claims.Add(lease);
            }
        }).ToList();
        start.SetResult();
        await System.Threading.Tasks.Task.WhenAll(claimers);

        claims.Count.ShouldBe(tasks);
        claims.Select(c => c.TaskId).Distinct().Count().ShouldBe(tasks);
        foreach (var lease in claims)
        {
            (await Store.FindAsync(lease.TaskId))!.LeaseOwner.ShouldBe(lease.WorkerId);
            Types(await EventsAsync(lease.TaskId)).Count(t => t == EventTypes.TaskStarted).ShouldBe(1);
        }
    }

    [StoreFact]
    public async Task Claim_AbandonedLease_IsReclaimedAndTheFirstWorkersLateWritesAreRefused()
    {
        var task = await SubmitAsync();
        var first = await ClaimAsync("first:1:0");
        await Store.CheckpointAsync(first, """{"step":2}""");

        Clock.Advance(LeaseTime - TimeSpan.FromSeconds(1));
        (await Store.TryClaimAsync(Claimer("second:1:0"))).ShouldBeNull();
        Clock.Advance(TimeSpan.FromSeconds(1));
        (await Store.TryClaimAsync(Claimer("second:1:0"))).ShouldBeNull();
        var retrying = await Store.FindAsync(task.Id);
        retrying!.Status.ShouldBe(TaskState.Queued);
        retrying.LastError.ShouldNotBeNull().ShouldContain("first:1:0");
        Clock.Advance(Options.RetryBaseDelay);
        var second = await ClaimAsync("second:1:0");

        second.TaskId.ShouldBe(task.Id);
        second.Attempt.ShouldBe(2);
        second.Checkpoint.ShouldBe("""{"step":2}""");
        second.Token.ShouldNotBe(first.Token);
        var before = await SnapshotAsync(task.Id);
        await Should.ThrowAsync<LeaseLostException>(() => Store.HeartbeatAsync(first));
        await Should.ThrowAsync<LeaseLostException>(() => Store.AppendEventAsync(first, "tool.call", "{}"));
        await Should.ThrowAsync<LeaseLostException>(() => Store.SetPhaseAsync(first, TaskPhase.Building));
        await Should.ThrowAsync<LeaseLostException>(() => Store.CheckpointAsync(first, """{"step":9}"""));
        await Should.ThrowAsync<LeaseLostException>(() => Store.RecordUsageAsync(first, new UsageRecord("openai", "gpt", 1, 1, 0, 0.1m)));
        await Should.ThrowAsync<LeaseLostException>(() => Store.SetPlanAsync(first, "{}"));
        var lost = await Should.ThrowAsync<LeaseLostException>(() => Store.FinishAsync(first, TaskOutcome.Succeeded()));
        lost.Message.ShouldContain("second:1:0");
        await ShouldBeUnchangedAsync(before);
        var retried = (await EventsAsync(task.Id)).Single(e => e.Type == EventTypes.TaskRetrying);
        retried.Data.ShouldContain("\"attempt\":1");
    }

    [StoreFact]
    public async Task Heartbeat_BeforeExpiry_KeepsTheLease()
    {
        await SubmitAsync();
        var lease = await ClaimAsync();

        Clock.Advance(TimeSpan.FromSeconds(20));
        var beat = await Store.HeartbeatAsync(lease);
        Clock.Advance(TimeSpan.FromSeconds(20));

        beat.ExpiresAt.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        beat.CancelRequested.ShouldBeFalse();
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        (await Store.AppendEventAsync(lease, "tool.call", """{"tool":"read"}""")).ShouldBe(3);
    }

    [StoreFact]
    public async Task Heartbeat_AfterExpiryButBeforeReclaim_IsRefused()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        Clock.Advance(LeaseTime);
        var before = await SnapshotAsync(task.Id);

        var error = await Should.ThrowAsync<LeaseLostException>(() => Store.HeartbeatAsync(lease));

        error.Message.ShouldContain("expired");
        await Should.ThrowAsync<LeaseLostException>(() => Store.FinishAsync(lease, TaskOutcome.Succeeded()));
        await ShouldBeUnchangedAsync(before);
    }

    [StoreFact]
    public async Task Finish_RetryableFailures_BackOffThenEndDeadWithEveryAttemptsReason()
    {
        var task = await SubmitAsync(Ask(maxAttempts: 3));

        var first = await ClaimAsync();
        var afterFirst = await Store.FinishAsync(first, TaskOutcome.Retry("tests failed: 3 errors"));
        afterFirst.Status.ShouldBe(TaskState.Queued);
        afterFirst.RunAfter.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(5));
        afterFirst.LeaseOwner.ShouldBeNull();
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();

        Clock.Advance(TimeSpan.FromSeconds(5));
        var second = await ClaimAsync();
        second.Attempt.ShouldBe(2);
        var afterSecond = await Store.FinishAsync(second, TaskOutcome.Retry("tests failed: 1 error"));
        afterSecond.RunAfter.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(10));

        Clock.Advance(TimeSpan.FromSeconds(10));
        var third = await ClaimAsync();
        var dead = await Store.FinishAsync(third, TaskOutcome.Retry("tests still failing"));

        dead.Status.ShouldBe(TaskState.Dead);
        dead.LastError.ShouldNotBeNull().ShouldContain("attempt 1: tests failed: 3 errors; attempt 2: tests failed: 1 error; attempt 3: tests still failing");
        dead.LastError.ShouldContain("3 of 3 attempts");
        dead.LastError.ShouldContain("nightshift retry");
        dead.FinishedAt.ShouldBe(Clock.GetUtcNow());
        Types(await EventsAsync(task.Id)).ShouldBe(
        [
            EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskRetrying, EventTypes.TaskStarted,
            EventTypes.TaskRetrying, EventTypes.TaskStarted, EventTypes.TaskDead,
        ]);
        var attempts = System.Text.Json.JsonDocument.Parse((await EventsAsync(task.Id))[^1].Data).RootElement.GetProperty("attempts");
        attempts.EnumerateArray().Select(a => (a.GetProperty("attempt").GetInt32(), a.GetProperty("reason").GetString())).ShouldBe(
            [(1, "tests failed: 3 errors"), (2, "tests failed: 1 error"), (3, "tests still failing")]);
        Clock.Advance(TimeSpan.FromHours(1));
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();
        (await Store.ListAsync(new TaskQuery(TaskState.Dead))).Items.Select(t => t.Id).ShouldBe([task.Id]);
    }

    [StoreFact]
    public async Task Retry_DeadTask_QueuesItWithAttemptsReset_AndALaterDeathListsOnlyTheNewRound()
    {
        var task = await SubmitAsync(Ask(maxAttempts: 1));
        await Store.FinishAsync(await ClaimAsync(), TaskOutcome.Retry("first round broke"));

        var retried = await Store.RetryAsync(task.Id);

        retried.Status.ShouldBe(TaskState.Queued);
        retried.Attempts.ShouldBe(0);
        retried.LastError.ShouldBeNull();
        var again = await Store.FinishAsync(await ClaimAsync(), TaskOutcome.Retry("second round broke"));
        again.Status.ShouldBe(TaskState.Dead);
        again.LastError.ShouldNotBeNull().ShouldContain("attempt 1: second round broke");
        again.LastError.ShouldNotContain("first round");
    }

    [StoreFact]
    public async Task Reclaim_ExpiredLeaseOnTheLastAttempt_EndsTheTaskDead()
    {
        var task = await SubmitAsync(Ask(maxAttempts: 1));
        await ClaimAsync("crashed:1:0");
        Clock.Advance(LeaseTime + TimeSpan.FromSeconds(1));

        (await Store.ReclaimExpiredAsync()).ShouldBe(1);

        var failed = await Store.FindAsync(task.Id);
        failed!.Status.ShouldBe(TaskState.Dead);
        failed.LastError.ShouldNotBeNull().ShouldContain("crashed:1:0");
        (await EventsAsync(task.Id))[^1].Type.ShouldBe(EventTypes.TaskDead);
    }

    [StoreFact]
    public async Task Cancel_RunningTask_IsObservedByHeartbeatThenFinishedAsCancelled()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();

        var requested = await Store.CancelAsync(task.Id, "wrong repository");
        var again = await Store.CancelAsync(task.Id);
        var beat = await Store.HeartbeatAsync(lease);
        var finished = await Store.FinishAsync(lease, TaskOutcome.Cancelled("stopped on request"));

        requested.Status.ShouldBe(TaskState.Running);
        requested.CancelRequested.ShouldBeTrue();
        again.CancelRequested.ShouldBeTrue();
        beat.CancelRequested.ShouldBeTrue();
        finished.Status.ShouldBe(TaskState.Cancelled);
        Types(await EventsAsync(task.Id)).ShouldBe(
            [EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskCancelRequested, EventTypes.TaskCancelled]);
    }

    [StoreFact]
    public async Task Cancel_RunningTaskWhoseWorkerVanished_EndsCancelledNotRetried()
    {
        var task = await SubmitAsync();
        await ClaimAsync();
        await Store.CancelAsync(task.Id);
        Clock.Advance(LeaseTime);

        await Store.ReclaimExpiredAsync();

        (await Store.FindAsync(task.Id))!.Status.ShouldBe(TaskState.Cancelled);
    }

    [StoreFact]
    public async Task Claim_GlobalCap_StopsClaimsWhileThatManyRun()
    {
        await SubmitAsync(Ask("a"));
        await SubmitAsync(Ask("b"));
        await SubmitAsync(Ask("c"));

        var first = await Store.TryClaimAsync(Claimer("w:1", maxRunning: 2));
        var second = await Store.TryClaimAsync(Claimer("w:2", maxRunning: 2));
        var third = await Store.TryClaimAsync(Claimer("w:3", maxRunning: 2));
        await Store.FinishAsync(first!, TaskOutcome.Succeeded());
        var fourth = await Store.TryClaimAsync(Claimer("w:3", maxRunning: 2));

        second.ShouldNotBeNull();
        third.ShouldBeNull();
        fourth.ShouldNotBeNull();
    }

    [StoreFact]
    public async Task Claim_PerRepoCap_SkipsBusyRepositoriesButServesOthers()
    {
        var a1 = await SubmitAsync(Ask("a1", repo: "https://example.com/a", priority: 9));
        var a2 = await SubmitAsync(Ask("a2", repo: "https://example.com/a", priority: 9));
        var b1 = await SubmitAsync(Ask("b1", repo: "https://example.com/b"));

        var first = await Store.TryClaimAsync(Claimer("w:1", maxPerRepo: 1));
        var second = await Store.TryClaimAsync(Claimer("w:2", maxPerRepo: 1));
        var third = await Store.TryClaimAsync(Claimer("w:3", maxPerRepo: 1));

        first!.TaskId.ShouldBe(a1.Id);
        second!.TaskId.ShouldBe(b1.Id);
        third.ShouldBeNull();
        (await Store.FindAsync(a2.Id))!.Status.ShouldBe(TaskState.Queued);
    }

    [StoreFact]
    public async Task Finish_AwaitApprovalThenApprove_QueuesTheTaskWithTheApprovedPlan()
    {
        var task = await SubmitAsync(Ask(approval: true));
        var planning = await ClaimAsync();
        await Store.SetPlanAsync(planning, """{"steps":["a"]}""");
        var waiting = await Store.FinishAsync(planning, TaskOutcome.AwaitApproval());
        waiting.Status.ShouldBe(TaskState.AwaitingApproval);
        waiting.Phase.ShouldBe(TaskPhase.AwaitingApproval);
        waiting.LeaseOwner.ShouldBeNull();
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();

        var approved = await Store.ApproveAsync(task.Id, """{"steps":["a","b"]}""");

        approved.Status.ShouldBe(TaskState.Queued);
        approved.Plan.ShouldBe("""{"steps":["a","b"]}""");
        var building = await ClaimAsync();
        building.Task.Plan.ShouldBe("""{"steps":["a","b"]}""");
        Types(await EventsAsync(task.Id)).ShouldBe(
        [
            EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.PlanAwaitingApproval, EventTypes.PlanApproved, EventTypes.TaskStarted,
        ]);
    }

    [StoreFact]
    public async Task Reject_WaitingPlan_CancelsTheTaskWithTheReason()
    {
        var task = await SubmitAsync(Ask(approval: true));
        await Store.FinishAsync(await ClaimAsync(), TaskOutcome.AwaitApproval());

        var rejected = await Store.RejectAsync(task.Id, "touches the billing code");

        rejected.Status.ShouldBe(TaskState.Cancelled);
        rejected.LastError.ShouldNotBeNull().ShouldContain("touches the billing code");
        Types(await EventsAsync(task.Id)).TakeLast(2).ShouldBe([EventTypes.PlanRejected, EventTypes.TaskCancelled]);
    }

    [StoreFact]
    public async Task ApproveOrReject_TaskNotWaiting_ThrowsAndChangesNothing()
    {
        var task = await SubmitAsync();
        var before = await SnapshotAsync(task.Id);

        await Should.ThrowAsync<InvalidTransitionException>(() => Store.ApproveAsync(task.Id));
        await Should.ThrowAsync<InvalidTransitionException>(() => Store.RejectAsync(task.Id, "no"));

        await ShouldBeUnchangedAsync(before);
    }

    [StoreFact]
    public async Task Finish_Released_ReturnsTheTaskWithoutSpendingAnAttempt()
    {
        var task = await SubmitAsync(Ask(maxAttempts: 1));
        var lease = await ClaimAsync();

        var released = await Store.FinishAsync(lease, TaskOutcome.Release());
        var again = await ClaimAsync();

        released.Status.ShouldBe(TaskState.Queued);
        released.Attempts.ShouldBe(0);
        again.Attempt.ShouldBe(1);
        Types(await EventsAsync(task.Id)).ShouldContain(EventTypes.TaskReleased);
    }

    [StoreFact]
    public async Task Finish_Succeeded_KeepsBranchPullRequestAndDetails()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();

        var done = await Store.FinishAsync(lease, TaskOutcome.Succeeded("nightshift/abc", "https://example.com/pr/1") with { DetailsJson = """{"summary":"added it"}""" });

        done.Status.ShouldBe(TaskState.Succeeded);
        done.Branch.ShouldBe("nightshift/abc");
        done.PullRequest.ShouldBe("https://example.com/pr/1");
        var final = (await EventsAsync(task.Id))[^1];
        final.Type.ShouldBe(EventTypes.TaskSucceeded);
        final.Data.ShouldContain("\"summary\":\"added it\"");
        final.Data.ShouldContain("\"branch\":\"nightshift/abc\"");
        await Should.ThrowAsync<LeaseLostException>(() => Store.FinishAsync(lease, TaskOutcome.Failed("again")));
    }

    [StoreFact]
    public async Task WorkerWrites_PhaseCheckpointUsageAndPlan_AreStored()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();

        await Store.SetPhaseAsync(lease, TaskPhase.Building);
        await Store.CheckpointAsync(lease, """{"done":["s1"]}""");
        await Store.RecordUsageAsync(lease, new UsageRecord("anthropic", "claude", 100, 20, 5, 0.0125m));
        await Store.RecordUsageAsync(lease, new UsageRecord("ollama", "llama", 50, 10, 0, null));
        await Store.SetPlanAsync(lease, """{"steps":[]}""");

        var stored = await Store.FindAsync(task.Id);
        stored!.Phase.ShouldBe(TaskPhase.Building);
        stored.Plan.ShouldBe("""{"steps":[]}""");
        stored.Usage.ShouldBe(new UsageTotals(150, 30, 5, 0.0125m, 2, 1));
        (await Store.GetCheckpointAsync(task.Id)).ShouldBe("""{"done":["s1"]}""");
        Types(await EventsAsync(task.Id)).ShouldBe(
            [EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskPhase, EventTypes.TaskCheckpoint]);
    }

    [StoreFact]
    public async Task WorkerWrites_BadInput_AreRefusedAndChangeNothing()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var before = await SnapshotAsync(task.Id);
        var big = "{\"x\":\"" + new string('a', Options.MaxCheckpointBytes) + "\"}";

        await Should.ThrowAsync<ValidationException>(() => Store.CheckpointAsync(lease, big));
        await Should.ThrowAsync<ValidationException>(() => Store.CheckpointAsync(lease, "[1,2]"));
        await Should.ThrowAsync<ValidationException>(() => Store.SetPlanAsync(lease, big));
        await Should.ThrowAsync<ValidationException>(() => Store.SetPlanAsync(lease, "not json"));
        await Should.ThrowAsync<InvalidTransitionException>(() => Store.SetPhaseAsync(lease, TaskPhase.AwaitingApproval));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordUsageAsync(lease, new UsageRecord("", "m", 1, 1, 1, null)));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordUsageAsync(lease, new UsageRecord("p", "m", -1, 1, 1, null)));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishAsync(lease, TaskOutcome.Succeeded() with { DetailsJson = "[]" }));
        await Should.ThrowAsync<LeaseLostException>(() => Store.HeartbeatAsync(lease with { Token = "forged" }));
        await Should.ThrowAsync<ValidationException>(() => Store.TryClaimAsync(new ClaimRequest("", LeaseTime)));
        await Should.ThrowAsync<ValidationException>(() => Store.TryClaimAsync(new ClaimRequest("w", TimeSpan.FromSeconds(-1))));
        await Should.ThrowAsync<ValidationException>(() => Store.TryClaimAsync(new ClaimRequest("w", TimeSpan.FromDays(2))));

        await ShouldBeUnchangedAsync(before);
    }

    [StoreFact]
    public async Task WaitForWork_Submit_WakesAWaitingWorker()
    {
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);
        var waiting = Store.WaitForWorkAsync(TimeSpan.FromMinutes(5), timeout.Token);

        await SubmitAsync();

        await waiting.WaitAsync(timeout.Token);
        (await Store.TryClaimAsync(Claimer())).ShouldNotBeNull();
    }

    [StoreFact]
    public async Task WaitForWork_NothingHappens_ReturnsAfterMaxWait()
    {
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);

        await Store.WaitForWorkAsync(TimeSpan.FromMilliseconds(50), timeout.Token);

        timeout.IsCancellationRequested.ShouldBeFalse();
    }
}
