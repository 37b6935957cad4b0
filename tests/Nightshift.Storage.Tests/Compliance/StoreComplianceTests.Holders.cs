using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task FindHolders_RunningRetryingAndEndedTasks_NameTheLeaseOwnerAndTheLastClaimer()
    {
        var never = await SubmitAsync(Ask("never claimed", priority: 0));
        var running = await SubmitAsync(Ask("running", priority: 30));
        var retrying = await SubmitAsync(Ask("retrying", priority: 20));
        var ended = await SubmitAsync(Ask("ended", priority: 10));

        var first = await ClaimAsync("worker-a:1:0");
        first.TaskId.ShouldBe(running.Id);
        var second = await ClaimAsync("worker-a:1:1");
        second.TaskId.ShouldBe(retrying.Id);
        await Store.FinishAsync(second, TaskOutcome.Retry("the disk was full"));
        var third = await ClaimAsync("worker-b:2:0");
        third.TaskId.ShouldBe(ended.Id);
        await Store.FinishAsync(third, TaskOutcome.Failed("the tests failed"));

        var holders = (await Store.FindHoldersAsync([never.Id, running.Id, retrying.Id, ended.Id])).ToDictionary(h => h.TaskId);

        holders.Count.ShouldBe(4);
        holders[never.Id].ShouldBe(new TaskHolder(never.Id, TaskState.Queued, null, null));
        holders[running.Id].ShouldBe(new TaskHolder(running.Id, TaskState.Running, "worker-a:1:0", "worker-a:1:0"));
        holders[retrying.Id].Status.ShouldBe(TaskState.Queued);
        holders[retrying.Id].LeaseOwner.ShouldBeNull();
        holders[retrying.Id].LastWorker.ShouldBe("worker-a:1:1");
        holders[ended.Id].ShouldBe(new TaskHolder(ended.Id, TaskState.Failed, null, "worker-b:2:0"));
    }

    [StoreFact]
    public async Task FindHolders_ReclaimedByAnotherWorker_NamesTheNewClaimerAcrossOrganisations()
    {
        var task = await SubmitAsync(Ask("moves between workers") with { OrgId = "acme" });
        var first = await ClaimAsync("worker-a:1:0");
        await Store.FinishAsync(first, TaskOutcome.Retry("the model provider failed"));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await ClaimAsync("worker-b:2:0");
        second.TaskId.ShouldBe(task.Id);

        var holder = (await Store.FindHoldersAsync([task.Id])).ShouldHaveSingleItem();

        holder.ShouldBe(new TaskHolder(task.Id, TaskState.Running, "worker-b:2:0", "worker-b:2:0"));
    }

    [StoreFact]
    public async Task FindHolders_UnknownMalformedAndNoIds_AreLeftOutAndTooManyIsRefused()
    {
        var task = await SubmitAsync();

        (await Store.FindHoldersAsync([])).ShouldBeEmpty();
        (await Store.FindHoldersAsync([TaskId.New(Clock), "../../etc", "", task.Id, task.Id])).ShouldHaveSingleItem().TaskId.ShouldBe(task.Id);
        var tooMany = Enumerable.Range(0, ITaskHolders.MaxIds + 1).Select(i => $"t_{i}").ToList();
        var refusal = await Should.ThrowAsync<ArgumentException>(() => Store.FindHoldersAsync(tooMany));
        refusal.Message.ShouldContain($"at most {ITaskHolders.MaxIds}");
    }
}
