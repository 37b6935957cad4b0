using System.Collections.Concurrent;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private IFinishAndClaim Chain => Store.ShouldBeAssignableTo<IFinishAndClaim>()!;

    [StoreFact]
    public async Task FinishAndClaim_Succeeded_EndsTheTaskAndClaimsTheNextMostUrgent()
    {
        var older = await SubmitAsync(Ask("older"));
        var urgent = await SubmitAsync(Ask("urgent", priority: 5));
        await SubmitAsync(Ask("newer"));
        var lease = await ClaimAsync("host:1:0");
        lease.TaskId.ShouldBe(urgent.Id);

        var result = await Chain.FinishAndClaimAsync(
            lease,
            TaskOutcome.Succeeded("nightshift/x", "https://example.com/pr/9") with { DetailsJson = """{"summary":"done"}""" },
            Claimer("host:1:0"));

        result.Finished.Id.ShouldBe(urgent.Id);
        result.Finished.Status.ShouldBe(TaskState.Succeeded);
        result.Finished.Branch.ShouldBe("nightshift/x");
        result.Finished.PullRequest.ShouldBe("https://example.com/pr/9");
        result.Finished.FinishedAt.ShouldBe(Clock.GetUtcNow());
        result.Finished.LeaseOwner.ShouldBeNull();
        (await Store.FindAsync(urgent.Id)).ShouldBe(result.Finished);
        var next = result.Next.ShouldNotBeNull();
        next.TaskId.ShouldBe(older.Id);
        next.Attempt.ShouldBe(1);
        next.Token.ShouldNotBe(lease.Token);
        next.ExpiresAt.ShouldBe(Clock.GetUtcNow() + LeaseTime);
        next.Task.Status.ShouldBe(TaskState.Running);
        (await Store.FindAsync(older.Id)).ShouldBe(next.Task);
        var finishedEvents = await EventsAsync(urgent.Id);
        Types(finishedEvents).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskSucceeded]);
        finishedEvents.Select(e => e.Sequence).ShouldBe([1L, 2L, 3L]);
        finishedEvents[^1].Data.ShouldContain("\"summary\":\"done\"");
        finishedEvents[^1].Data.ShouldContain("\"attempt\":1");
        var started = await EventsAsync(older.Id);
        Types(started).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskStarted]);
        started[1].Data.ShouldBe("""{"attempt":1,"worker":"host:1:0"}""");
        await Store.HeartbeatAsync(next);
    }

    [StoreFact]
    public async Task FinishAndClaim_NothingQueued_FinishesAndReturnsNoLease()
    {
        var task = await SubmitAsync();
        await SubmitAsync(Ask("later") with { RunAfter = Clock.GetUtcNow().AddMinutes(1) });

        var result = await Chain.FinishAndClaimAsync(await ClaimAsync(), TaskOutcome.Failed("the repository is archived"), Claimer());

        result.Finished.Id.ShouldBe(task.Id);
        result.Finished.Status.ShouldBe(TaskState.Failed);
        result.Finished.LastError.ShouldBe("the repository is archived");
        result.Next.ShouldBeNull();
    }

    [StoreFact]
    public async Task FinishAndClaim_LeaseLost_RefusesAndClaimsNothing()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var waiting = await SubmitAsync(Ask("waiting"));
        var before = await SnapshotAsync(task.Id);
        var waitingBefore = await SnapshotAsync(waiting.Id);

        await Should.ThrowAsync<LeaseLostException>(() => Chain.FinishAndClaimAsync(lease with { Token = "forged" }, TaskOutcome.Succeeded(), Claimer()));
        await Should.ThrowAsync<LeaseLostException>(() => Chain.FinishAndClaimAsync(lease with { TaskId = "t_missing" }, TaskOutcome.Succeeded(), Claimer()));
        await ShouldBeUnchangedAsync(before);
        Clock.Advance(LeaseTime);
        await Should.ThrowAsync<LeaseLostException>(() => Chain.FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), Claimer("other:1:0")));

        (await Store.FindAsync(task.Id))!.Status.ShouldNotBe(TaskState.Succeeded);
        await ShouldBeUnchangedAsync(waitingBefore);
    }

    [StoreFact]
    public async Task FinishAndClaim_ReclaimedByAnother_TheLateWorkerIsRefusedAndTheOwnerKeepsIt()
    {
        var task = await SubmitAsync();
        var first = await ClaimAsync("first:1:0");
        Clock.Advance(LeaseTime);
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);
        Clock.Advance(Options.RetryBaseDelay);
        var second = await ClaimAsync("second:1:0");
        var before = await SnapshotAsync(task.Id);

        var lost = await Should.ThrowAsync<LeaseLostException>(() => Chain.FinishAndClaimAsync(first, TaskOutcome.Succeeded(), Claimer("first:1:0")));

        lost.Message.ShouldContain("second:1:0");
        await ShouldBeUnchangedAsync(before);
        (await Chain.FinishAndClaimAsync(second, TaskOutcome.Succeeded(), Claimer("second:1:0"))).Finished.Status.ShouldBe(TaskState.Succeeded);
    }

    [StoreFact]
    public async Task FinishAndClaim_LeaseNamingAnotherAttempt_WritesTheTrueAttempt()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();

        var result = await Chain.FinishAndClaimAsync(lease with { Attempt = 7 }, TaskOutcome.Succeeded(), Claimer());

        result.Finished.Status.ShouldBe(TaskState.Succeeded);
        (await EventsAsync(task.Id))[^1].Data.ShouldContain("\"attempt\":1");
    }

    [StoreFact]
    public async Task FinishAndClaim_RetryableFailure_BacksOffAndServesAnotherTask()
    {
        var failing = await SubmitAsync(Ask("failing"));
        var other = await SubmitAsync(Ask("other"));
        var lease = await ClaimAsync();

        var result = await Chain.FinishAndClaimAsync(lease, TaskOutcome.Retry("the test runner crashed"), Claimer());

        result.Finished.Id.ShouldBe(failing.Id);
        result.Finished.Status.ShouldBe(TaskState.Queued);
        result.Finished.RunAfter.ShouldBe(Clock.GetUtcNow() + Options.RetryBaseDelay);
        result.Next.ShouldNotBeNull().TaskId.ShouldBe(other.Id);
        Types(await EventsAsync(failing.Id)).Last().ShouldBe(EventTypes.TaskRetrying);
    }

    [StoreFact]
    public async Task FinishAndClaim_Released_MayHandTheSameTaskStraightBack()
    {
        var task = await SubmitAsync();

        var result = await Chain.FinishAndClaimAsync(await ClaimAsync(), TaskOutcome.Release(), Claimer());

        result.Finished.Status.ShouldBe(TaskState.Queued);
        var again = result.Next.ShouldNotBeNull();
        again.TaskId.ShouldBe(task.Id);
        again.Attempt.ShouldBe(1);
        Types(await EventsAsync(task.Id)).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskReleased, EventTypes.TaskStarted]);
    }

    [StoreFact]
    public async Task FinishAndClaim_GlobalCap_CountsTheFinishedTaskAsNoLongerRunning()
    {
        await SubmitAsync(Ask("a"));
        await SubmitAsync(Ask("b"));
        var c = await SubmitAsync(Ask("c"));
        var a = await ClaimAsync("w:1");
        var b = await ClaimAsync("w:2");

        var capped = await Chain.FinishAndClaimAsync(a, TaskOutcome.Succeeded(), Claimer("w:1", maxRunning: 1));
        var freed = await Chain.FinishAndClaimAsync(b, TaskOutcome.Succeeded(), Claimer("w:2", maxRunning: 1));

        capped.Next.ShouldBeNull();
        freed.Next.ShouldNotBeNull().TaskId.ShouldBe(c.Id);
    }

    [StoreFact]
    public async Task FinishAndClaim_BadInput_IsRefusedBeforeAnythingChanges()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await SubmitAsync(Ask("next"));
        var before = await SnapshotAsync(task.Id);

        await Should.ThrowAsync<ValidationException>(() => Chain.FinishAndClaimAsync(lease, TaskOutcome.Succeeded() with { DetailsJson = "[1]" }, Claimer()));
        await Should.ThrowAsync<ValidationException>(() => Chain.FinishAndClaimAsync(lease, TaskOutcome.Failed(new string('x', 5_000)), Claimer()));
        await Should.ThrowAsync<ValidationException>(() => Chain.FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), new ClaimRequest("", LeaseTime)));
        await Should.ThrowAsync<ValidationException>(() => Chain.FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), new ClaimRequest("w\n", LeaseTime)));
        await Should.ThrowAsync<ValidationException>(() => Chain.FinishAndClaimAsync(lease, new TaskOutcome { Kind = (OutcomeKind)99 }, Claimer()));
        await Should.ThrowAsync<ArgumentNullException>(() => Chain.FinishAndClaimAsync(null!, TaskOutcome.Succeeded(), Claimer()));

        await ShouldBeUnchangedAsync(before);
        (await Store.ListAsync(new TaskQuery { Status = TaskState.Running })).Items.Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task FinishAndClaim_ConcurrentWorkersOnTwoStores_RunEachTaskExactlyOnce()
    {
        const int tasks = 24;
        for (var i = 0; i < tasks; i++)
        {
            await SubmitAsync(Ask($"task {i}"));
        }
        var other = await OpenAsync();
        var finished = new ConcurrentBag<string>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 4).Select(async w =>
        {
            await start.Task;
            var store = w % 2 == 0 ? Store : other;
            var request = Claimer($"w:{w}");
            var lease = await store.TryClaimAsync(request);
            while (lease is not null)
            {
                var result = await ((IFinishAndClaim)store).FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), request);
                finished.Add(result.Finished.Id);
                lease = result.Next;
            }
        }).ToList();
        start.SetResult();
        await Task.WhenAll(workers);

        finished.Count.ShouldBe(tasks);
        finished.Distinct().Count().ShouldBe(tasks);
        foreach (var id in finished)
        {
            var events = await EventsAsync(id);
            Types(events).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskSucceeded]);
            events.Select(e => e.Sequence).ShouldBe([1L, 2L, 3L]);
        }
    }
}
