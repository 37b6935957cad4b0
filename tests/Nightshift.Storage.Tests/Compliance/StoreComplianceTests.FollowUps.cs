using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private const string FollowUpRepo = "https://example.com/acme/app";

    [StoreFact]
    public async Task Claim_FollowUpWhileItsParentRuns_WaitsAndOtherTasksAreServed()
    {
        var parent = await SubmitAsync(Ask("parent", priority: 9));
        var running = await ClaimAsync("w:1");
        running.TaskId.ShouldBe(parent.Id);
        var followUp = await SubmitAsync(Ask("follow-up", priority: 9) with { FollowUpOf = parent.Id });
        var other = await SubmitAsync(Ask("unrelated"));

        var second = await Store.TryClaimAsync(Claimer("w:2"));
        var third = await Store.TryClaimAsync(Claimer("w:3"));

        second.ShouldNotBeNull().TaskId.ShouldBe(other.Id);
        third.ShouldBeNull();
        await Store.FinishAsync(running, TaskOutcome.Succeeded("nightshift/x", "local:" + parent.Id));
        (await Store.TryClaimAsync(Claimer("w:3"))).ShouldNotBeNull().TaskId.ShouldBe(followUp.Id);
    }

    [StoreFact]
    public async Task Claim_TwoFollowUpsOfOnePullRequest_NeverRunAtOnce()
    {
        var parent = await SubmitAsync(Ask("parent"));
        await Store.FinishAsync(await ClaimAsync("w:1"), TaskOutcome.Succeeded("nightshift/x", "local:" + parent.Id));
        var first = await SubmitAsync(Ask("review fixes") with { FollowUpOf = parent.Id });
        var second = await SubmitAsync(Ask("failed check") with { FollowUpOf = parent.Id });

        var claimed = await ClaimAsync("w:1");
        var blocked = await Store.TryClaimAsync(Claimer("w:2"));

        claimed.TaskId.ShouldBe(first.Id);
        blocked.ShouldBeNull();
        (await Store.FindAsync(second.Id))!.Status.ShouldBe(TaskState.Queued);
        await Store.FinishAsync(claimed, TaskOutcome.Succeeded("nightshift/x", "local:" + parent.Id));
        (await Store.TryClaimAsync(Claimer("w:2"))).ShouldNotBeNull().TaskId.ShouldBe(second.Id);
    }

    [StoreFact]
    public async Task Claim_FollowUpOfAFollowUpAndOneInAnotherRepository_ChainWaitsOtherRepositoryRuns()
    {
        var parent = await SubmitAsync(Ask("parent"));
        await Store.FinishAsync(await ClaimAsync("w:1"), TaskOutcome.Succeeded("nightshift/x", "local:" + parent.Id));
        var first = await SubmitAsync(Ask("first") with { FollowUpOf = parent.Id });
        var running = await ClaimAsync("w:1");
        var chained = await SubmitAsync(Ask("second") with { FollowUpOf = first.Id });
        var elsewhereParent = await SubmitAsync(Ask("parent elsewhere", repo: "https://example.com/acme/other"));
        var elsewhere = await SubmitAsync(Ask("follow-up elsewhere", repo: "https://example.com/acme/other") with { FollowUpOf = elsewhereParent.Id });
        await Store.FinishAsync(await ClaimAsync("w:2"), TaskOutcome.Succeeded("nightshift/y", "local:" + elsewhereParent.Id));

        var next = await Store.TryClaimAsync(Claimer("w:3"));

        running.TaskId.ShouldBe(first.Id);
        next.ShouldNotBeNull().TaskId.ShouldBe(elsewhere.Id);
        (await Store.TryClaimAsync(Claimer("w:4"))).ShouldBeNull();
        (await Store.FindAsync(chained.Id))!.Status.ShouldBe(TaskState.Queued);
        FollowUpRepo.ShouldBe(parent.Repo);
    }

    [StoreFact]
    public async Task Claim_FollowUpsRacingOnTwoStores_OnlyOneRuns()
    {
        var parent = await SubmitAsync(Ask("parent"));
        await Store.FinishAsync(await ClaimAsync("w:1"), TaskOutcome.Succeeded("nightshift/x", "local:" + parent.Id));
        await SubmitAsync(Ask("one") with { FollowUpOf = parent.Id });
        await SubmitAsync(Ask("two") with { FollowUpOf = parent.Id });
        var other = await OpenAsync();

        var claims = await Task.WhenAll(Store.TryClaimAsync(Claimer("w:1")), other.TryClaimAsync(Claimer("w:2")));

        claims.Count(c => c is not null).ShouldBe(1);
    }
}
