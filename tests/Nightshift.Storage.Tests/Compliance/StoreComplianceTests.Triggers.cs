using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private const string TriggerJson = "{\"kind\":\"IssueLabelled\"}";

    private static WebhookDelivery Accepted(string id) => new("github", id, "issues", "accepted", null, DateTimeOffset.UnixEpoch);

    [StoreFact]
    public async Task RecordTrigger_New_IsPendingAndClaimedOnceWithItsJson()
    {
        (await Store.RecordTriggerAsync(Accepted("t-1"), TriggerJson)).ShouldBeTrue();

        var claim = await (await OpenAsync()).ClaimTriggerAsync("server-a", LeaseTime);

        claim.ShouldNotBeNull();
        claim.DeliveryId.ShouldBe("t-1");
        claim.TriggerJson.ShouldBe(TriggerJson);
        claim.Attempts.ShouldBe(1);
        (await Store.ClaimTriggerAsync("server-b", LeaseTime)).ShouldBeNull();
        (await Store.FindDeliveryAsync("github", "t-1"))!.Outcome.ShouldBe("accepted");
    }

    [StoreFact]
    public async Task RecordTrigger_SameDeliveryTwice_KeepsOneTrigger()
    {
        (await Store.RecordTriggerAsync(Accepted("t-twice"), TriggerJson)).ShouldBeTrue();
        (await Store.RecordTriggerAsync(Accepted("t-twice"), "{\"kind\":\"Comment\"}")).ShouldBeFalse();
        (await Store.RecordDeliveryAsync(Accepted("t-twice") with { Outcome = "ignored" })).ShouldBeFalse();

        (await Store.ClaimTriggerAsync("a", LeaseTime))!.TriggerJson.ShouldBe(TriggerJson);
        (await Store.ClaimTriggerAsync("a", LeaseTime)).ShouldBeNull();
    }

    [StoreFact]
    public async Task RecordTrigger_EmptyOversizedOrNulJson_IsRefused()
    {
        await Should.ThrowAsync<ValidationException>(() => Store.RecordTriggerAsync(Accepted("t-bad"), " "));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordTriggerAsync(Accepted("t-bad"), new string('x', WebhookDelivery.MaxTriggerLength + 1)));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordTriggerAsync(Accepted("t-bad"), "{\"a\":\"\0\"}"));

        (await Store.FindDeliveryAsync("github", "t-bad")).ShouldBeNull();
    }

    [StoreFact]
    public async Task ClaimTrigger_IgnoredDelivery_IsNeverClaimed()
    {
        await Store.RecordDeliveryAsync(Accepted("t-ignored") with { Outcome = "ignored", Reason = "ping" });

        (await Store.ClaimTriggerAsync("a", LeaseTime)).ShouldBeNull();
        (await Store.FindDeliveryAsync("github", "t-ignored"))!.Reason.ShouldBe("ping");
    }

    [StoreFact]
    public async Task ClaimTrigger_ConcurrentClaimersOnTwoStores_EachTriggerGoesToOne()
    {
        for (var i = 0; i < 6; i++)
        {
            await Store.RecordTriggerAsync(Accepted($"t-race-{i}"), TriggerJson);
        }
        var stores = new[] { Store, await OpenAsync(), await OpenAsync() };

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i => await stores[i % 3].ClaimTriggerAsync($"s{i}", LeaseTime)));

        var won = claims.Where(c => c is not null).Select(c => c!.DeliveryId).ToList();
        won.Count.ShouldBe(6);
        won.Distinct().Count().ShouldBe(6);
    }

    [StoreFact]
    public async Task FinishTrigger_HeldClaim_KeepsTheOutcomeAndTheTrigger_IsNotClaimedAgain()
    {
        var task = await SubmitAsync();
        await Store.RecordTriggerAsync(Accepted("t-done"), TriggerJson);
        var claim = (await Store.ClaimTriggerAsync("a", LeaseTime))!;

        (await Store.FinishTriggerAsync(claim, "queued", task.Id, null)).ShouldBeTrue();

        var kept = (await Store.FindDeliveryAsync("github", "t-done"))!;
        kept.Outcome.ShouldBe("queued");
        kept.TaskId.ShouldBe(task.Id);
        Clock.Advance(LeaseTime * 2);
        (await Store.ClaimTriggerAsync("b", LeaseTime)).ShouldBeNull();
        (await Store.FinishTriggerAsync(claim, "queued", task.Id, null)).ShouldBeFalse();
    }

    [StoreFact]
    public async Task ClaimTrigger_LeasePassed_IsClaimedAgainAndTheOldClaimChangesNothing()
    {
        await Store.RecordTriggerAsync(Accepted("t-stale"), TriggerJson);
        var first = (await Store.ClaimTriggerAsync("a", LeaseTime))!;
        Clock.Advance(LeaseTime + TimeSpan.FromSeconds(1));

        var second = (await Store.ClaimTriggerAsync("b", LeaseTime))!;

        second.Attempts.ShouldBe(2);
        (await Store.FinishTriggerAsync(first, "refused", null, "stale")).ShouldBeFalse();
        (await Store.ReleaseTriggerAsync(first, null, "stale")).ShouldBeFalse();
        (await Store.FinishTriggerAsync(second, "skipped", null, "fresh")).ShouldBeTrue();
        (await Store.FindDeliveryAsync("github", "t-stale"))!.Reason.ShouldBe("fresh");
    }

    [StoreFact]
    public async Task ReleaseTrigger_WithRetryTime_IsClaimableOnlyOnceItComes()
    {
        await Store.RecordTriggerAsync(Accepted("t-retry"), TriggerJson);
        var claim = (await Store.ClaimTriggerAsync("a", LeaseTime))!;

        (await Store.ReleaseTriggerAsync(claim, Clock.GetUtcNow() + TimeSpan.FromMinutes(1), "the forge answered 502")).ShouldBeTrue();

        (await Store.ClaimTriggerAsync("a", LeaseTime)).ShouldBeNull();
        (await Store.FindDeliveryAsync("github", "t-retry"))!.Reason.ShouldBe("the forge answered 502");
        Clock.Advance(TimeSpan.FromMinutes(1));
        (await Store.ClaimTriggerAsync("a", LeaseTime))!.Attempts.ShouldBe(2);
    }

    [StoreFact]
    public async Task ReleaseTrigger_WithoutRetryTime_FailsForGoodWithTheReason()
    {
        await Store.RecordTriggerAsync(Accepted("t-fail"), TriggerJson);
        var claim = (await Store.ClaimTriggerAsync("a", LeaseTime))!;

        (await Store.ReleaseTriggerAsync(claim, null, "gave up: " + new string('r', 5_000) + "\0")).ShouldBeTrue();

        var kept = (await Store.FindDeliveryAsync("github", "t-fail"))!;
        kept.Outcome.ShouldBe("failed");
        kept.Reason!.Length.ShouldBeLessThanOrEqualTo(WebhookDelivery.MaxReasonLength);
        kept.Reason.ShouldStartWith("gave up: ");
        Clock.Advance(TimeSpan.FromDays(1));
        (await Store.ClaimTriggerAsync("a", LeaseTime)).ShouldBeNull();
    }

    [StoreFact]
    public async Task FinishTrigger_HostileOutcomeOrTaskId_IsRefused()
    {
        await Store.RecordTriggerAsync(Accepted("t-hostile"), TriggerJson);
        var claim = (await Store.ClaimTriggerAsync("a", LeaseTime))!;

        await Should.ThrowAsync<ValidationException>(() => Store.FinishTriggerAsync(claim, "", null, null));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishTriggerAsync(claim, "queued\n", null, null));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishTriggerAsync(claim, "queued", "'; DROP TABLE tasks; --", null));
        (await Store.FinishTriggerAsync(claim, "queued", null, null)).ShouldBeTrue();
    }

    [StoreFact]
    public async Task TryReserveNotice_WithinTheWindow_OnlyTheFirstAndAfterItAgain()
    {
        (await Store.TryReserveNoticeAsync("refusal:github:o/r#1:mallory", TimeSpan.FromHours(1))).ShouldBeTrue();
        (await (await OpenAsync()).TryReserveNoticeAsync("refusal:github:o/r#1:mallory", TimeSpan.FromHours(1))).ShouldBeFalse();
        (await Store.TryReserveNoticeAsync("refusal:github:o/r#2:mallory", TimeSpan.FromHours(1))).ShouldBeTrue();

        Clock.Advance(TimeSpan.FromMinutes(59));
        (await Store.TryReserveNoticeAsync("refusal:github:o/r#1:mallory", TimeSpan.FromHours(1))).ShouldBeFalse();
        Clock.Advance(TimeSpan.FromMinutes(1));
        (await Store.TryReserveNoticeAsync("refusal:github:o/r#1:mallory", TimeSpan.FromHours(1))).ShouldBeTrue();
    }

    [StoreFact]
    public async Task TryReserveNotice_Concurrently_ExactlyOneWins()
    {
        var stores = new[] { Store, await OpenAsync(), await OpenAsync() };

        var wins = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => stores[i % 3].TryReserveNoticeAsync("refusal:race", TimeSpan.FromHours(1))));

        wins.Count(w => w).ShouldBe(1);
    }

    [StoreFact]
    public async Task TryReserveNotice_MissingOrHostileKey_IsRefused()
    {
        await Should.ThrowAsync<ValidationException>(() => Store.TryReserveNoticeAsync("", TimeSpan.FromHours(1)));
        await Should.ThrowAsync<ValidationException>(() => Store.TryReserveNoticeAsync("a\nb", TimeSpan.FromHours(1)));
        await Should.ThrowAsync<ValidationException>(() => Store.TryReserveNoticeAsync(new string('k', 501), TimeSpan.FromHours(1)));
    }

    [StoreFact]
    public async Task FindByPullRequest_ByAddressOrHeadBranch_FindsTheTaskThatOpenedIt()
    {
        await SubmitAsync();
        var lease = await ClaimAsync();
        var opened = Clock.GetUtcNow();
        await Store.SavePullRequestAsync(lease, new PullRequest(
            lease.TaskId, "github", "https://github.com/acme/app/pull/5", "https://github.com/acme/app.git", "nightshift/abcd1234-fix", "main",
            "Fix", "body", "diff", false, opened, opened));

        (await Store.FindByPullRequestAsync("https://github.com/acme/app/pull/5", null)).Select(t => t.Id).ShouldBe([lease.TaskId]);
        (await (await OpenAsync()).FindByPullRequestAsync(null, "nightshift/abcd1234-fix")).Select(t => t.Id).ShouldBe([lease.TaskId]);
        (await Store.FindByPullRequestAsync("https://github.com/acme/app/pull/6", "other")).ShouldBeEmpty();
        (await Store.FindByPullRequestAsync(null, null)).ShouldBeEmpty();
        (await Store.FindByPullRequestAsync("", "")).ShouldBeEmpty();
        (await Store.FindByPullRequestAsync(new string('x', 10_000), new string('y', 10_000))).ShouldBeEmpty();
        (await Store.FindByPullRequestAsync("' OR 1=1 --", "' OR 1=1 --")).ShouldBeEmpty();
    }
}
