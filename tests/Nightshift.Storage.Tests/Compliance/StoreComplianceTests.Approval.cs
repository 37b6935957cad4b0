using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private static readonly TimeSpan DefaultApprovalTimeout = TimeSpan.FromDays(7);

    private async Task<TaskRecord> AwaitingApprovalAsync(string instruction = "needs a plan")
    {
        var task = await SubmitAsync(Ask(instruction, approval: true));
        var lease = await Store.TryClaimAsync(Claimer());
        lease.ShouldNotBeNull().TaskId.ShouldBe(task.Id);
        await Store.SetPlanAsync(lease, """{"steps":["a"]}""");
        (await Store.FinishAsync(lease, TaskOutcome.AwaitApproval())).Status.ShouldBe(TaskState.AwaitingApproval);
        return task;
    }

    [StoreFact]
    public async Task Sweep_PlanWaitingPastApprovalTimeout_EndsTimedOutSayingHowLongAndWhatToChange()
    {
        var task = await AwaitingApprovalAsync();

        Clock.Advance(DefaultApprovalTimeout - TimeSpan.FromSeconds(1));
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        (await Store.FindAsync(task.Id))!.Status.ShouldBe(TaskState.AwaitingApproval);
        Clock.Advance(TimeSpan.FromSeconds(1));
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);

        var ended = (await Store.FindAsync(task.Id))!;
        ended.Status.ShouldBe(TaskState.TimedOut);
        ended.Phase.ShouldBe(TaskPhase.None);
        ended.FinishedAt.ShouldBe(Clock.GetUtcNow());
        ended.Plan.ShouldBe("""{"steps":["a"]}""");
        var reason = ended.LastError.ShouldNotBeNull();
        reason.ShouldContain("waited 7 days for approval");
        reason.ShouldContain("ApprovalTimeout");
        var last = (await EventsAsync(task.Id))[^1];
        last.Type.ShouldBe(EventTypes.TaskTimedOut);
        last.Data.ShouldContain("ApprovalTimeout");
        last.Data.ShouldContain("\"approvalTimeoutSeconds\":604800");
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        await Should.ThrowAsync<InvalidTransitionException>(() => Store.ApproveAsync(task.Id));
        (await Store.RetryAsync(task.Id)).Status.ShouldBe(TaskState.Queued);
    }

    [StoreFact]
    public async Task Sweep_PlanApprovedJustBeforeTheSweep_IsNeverTouched()
    {
        var task = await AwaitingApprovalAsync();
        Clock.Advance(DefaultApprovalTimeout + TimeSpan.FromHours(1));

        await Store.ApproveAsync(task.Id);
        var moved = await Store.ReclaimExpiredAsync();

        moved.ShouldBe(0);
        var approved = (await Store.FindAsync(task.Id))!;
        approved.Status.ShouldBe(TaskState.Queued);
        approved.LastError.ShouldBeNull();
        Types(await EventsAsync(task.Id)).ShouldNotContain(EventTypes.TaskTimedOut);
        (await ClaimAsync()).TaskId.ShouldBe(task.Id);
    }

    [StoreFact]
    public async Task Sweep_PlanWaitingAgainAfterAnEarlierApproval_CountsFromTheNewWait()
    {
        var task = await AwaitingApprovalAsync();
        Clock.Advance(DefaultApprovalTimeout - TimeSpan.FromHours(1));
        await Store.ApproveAsync(task.Id);
        var replanning = await ClaimAsync();
        await Store.FinishAsync(replanning, TaskOutcome.AwaitApproval());

        Clock.Advance(TimeSpan.FromHours(2));
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        Clock.Advance(DefaultApprovalTimeout);
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);
    }

    [StoreFact]
    public async Task Sweep_ApprovalTimeoutZero_WaitsForEver()
    {
        var task = await AwaitingApprovalAsync();
        var patient = await OpenAsync(new StoreOptions { ApprovalTimeout = TimeSpan.Zero, RetryJitter = 0 });
        var forever = await OpenAsync(new StoreOptions { ApprovalTimeout = Timeout.InfiniteTimeSpan, RetryJitter = 0 });

        Clock.Advance(TimeSpan.FromDays(3_650));

        (await patient.ReclaimExpiredAsync()).ShouldBe(0);
        (await forever.ReclaimExpiredAsync()).ShouldBe(0);
        (await Store.FindAsync(task.Id))!.Status.ShouldBe(TaskState.AwaitingApproval);
    }

    [StoreFact]
    public async Task Sweep_ApprovalsRacingTheSweep_EachPlanIsApprovedOrTimedOutNeverBoth()
    {
        var tasks = new List<TaskRecord>();
        for (var i = 0; i < 6; i++)
        {
            tasks.Add(await AwaitingApprovalAsync($"plan {i}"));
        }
        var sweeper = await OpenAsync();
        Clock.Advance(DefaultApprovalTimeout);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var approvals = tasks.Select(async task =>
        {
            await start.Task;
            try
            {
                await Store.ApproveAsync(task.Id);
                return true;
            }
            catch (InvalidTransitionException)
            {
                return false;
            }
        }).ToList();
        var sweep = Task.Run(async () =>
        {
            await start.Task;
            return await sweeper.ReclaimExpiredAsync();
        });
        start.SetResult();
        var approved = await Task.WhenAll(approvals);
        var timedOut = await sweep;

        timedOut.ShouldBe(approved.Count(a => !a));
        for (var i = 0; i < tasks.Count; i++)
        {
            var types = Types(await EventsAsync(tasks[i].Id)).ToList();
            var status = (await Store.FindAsync(tasks[i].Id))!.Status;
            if (approved[i])
            {
                status.ShouldBe(TaskState.Queued);
                types.ShouldNotContain(EventTypes.TaskTimedOut);
                types[^1].ShouldBe(EventTypes.PlanApproved);
            }
            else
            {
                status.ShouldBe(TaskState.TimedOut);
                types.ShouldNotContain(EventTypes.PlanApproved);
                types[^1].ShouldBe(EventTypes.TaskTimedOut);
            }
        }
    }
}
