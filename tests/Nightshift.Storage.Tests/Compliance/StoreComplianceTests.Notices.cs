using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task FindTasksWithUnreportedEvents_OriginTasksWithNewEvents_AreFoundUntilTheirCursorPassesThem()
    {
        var withOrigin = await SubmitAsync(Ask() with { Origin = Issue(1) });
        await SubmitAsync();

        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBe([withOrigin.Id]);

        var cursor = (await Store.ClaimNoticeCursorAsync(withOrigin.Id, "a", TimeSpan.FromMinutes(1)))!;
        cursor.LastSequence.ShouldBe(0);
        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBeEmpty("a leased cursor is someone's work");
        (await Store.ReleaseNoticeCursorAsync(withOrigin.Id, "a", 1, null)).ShouldBeTrue();
        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBeEmpty("every event was reported");

        await ClaimAsync();

        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBe([withOrigin.Id]);
    }

    [StoreFact]
    public async Task ClaimNoticeCursor_TwoOwnersFromTwoStores_OnlyOneHoldsItUntilItIsReleasedOrExpires()
    {
        var task = await SubmitAsync(Ask() with { Origin = Issue(1) });
        var other = await OpenAsync();

        (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1))).ShouldNotBeNull();
        (await other.ClaimNoticeCursorAsync(task.Id, "b", TimeSpan.FromMinutes(1))).ShouldBeNull();
        (await other.ReleaseNoticeCursorAsync(task.Id, "b", 5, null)).ShouldBeFalse("b never held it");

        Clock.Advance(TimeSpan.FromMinutes(2));
        (await other.ClaimNoticeCursorAsync(task.Id, "b", TimeSpan.FromMinutes(1))).ShouldNotBeNull("a's lease expired");
        (await Store.ReleaseNoticeCursorAsync(task.Id, "a", 1, null)).ShouldBeFalse("a lost its lease");
        (await other.ReleaseNoticeCursorAsync(task.Id, "b", 1, null)).ShouldBeTrue();
        (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1)))!.LastSequence.ShouldBe(1);
    }

    [StoreFact]
    public async Task ReleaseNoticeCursor_WithRetry_HidesTheTaskUntilDueAndNeverMovesBack()
    {
        var task = await SubmitAsync(Ask() with { Origin = Issue(1) });
        await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1));
        await Store.ReleaseNoticeCursorAsync(task.Id, "a", 0, Clock.GetUtcNow().AddSeconds(30));
        await ClaimAsync();

        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBeEmpty();
        (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1))).ShouldBeNull("its retry is not due");

        Clock.Advance(TimeSpan.FromSeconds(31));
        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBe([task.Id]);
        var cursor = (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1)))!;
        cursor.Failures.ShouldBe(1);
        await Store.ReleaseNoticeCursorAsync(task.Id, "a", 2, null);
        await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1));
        await Store.ReleaseNoticeCursorAsync(task.Id, "a", 1, null);
        var after = (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1)))!;
        after.LastSequence.ShouldBe(2);
        after.Failures.ShouldBe(0);
    }

    [StoreFact]
    public async Task ClaimNoticeCursor_TaskWithoutOrigin_IsRefused()
    {
        var task = await SubmitAsync();

        (await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1))).ShouldBeNull();
    }

    [StoreFact]
    public async Task BeginNotice_NewFailedAndPosted_RecordsEachOnceAndCountsFailures()
    {
        var task = await SubmitAsync(Ask() with { Origin = Issue(1) });

        (await Store.BeginNoticeAsync(task.Id, "ended:4")).ShouldBeNull();
        (await Store.BeginNoticeAsync(task.Id, "ended:4"))!.State.ShouldBe(NoticeState.Sending, "a crash mid-post leaves it so");
        (await Store.FinishNoticeAsync(task.Id, "ended:4", NoticeState.Failed, null)).Attempts.ShouldBe(1);
        (await Store.BeginNoticeAsync(task.Id, "ended:4"))!.State.ShouldBe(NoticeState.Failed);
        (await Store.FinishNoticeAsync(task.Id, "ended:4", NoticeState.Failed, null)).Attempts.ShouldBe(2);
        await Store.BeginNoticeAsync(task.Id, "ended:4");
        var posted = await Store.FinishNoticeAsync(task.Id, "ended:4", NoticeState.Posted, "IC_99");

        posted.ShouldBe(posted with { State = NoticeState.Posted, Attempts = 2, Reference = "IC_99" });
        (await Store.BeginNoticeAsync(task.Id, "ended:4"))!.State.ShouldBe(NoticeState.Posted);
        (await Store.ListNoticesAsync(task.Id)).Single().State.ShouldBe(NoticeState.Posted);
        (await Store.ListNoticesAsync("not-a-task")).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task NoticeCalls_HostileValues_AreRefusedAndNothingIsStored()
    {
        var task = await SubmitAsync(Ask() with { Origin = Issue(1) });

        await Should.ThrowAsync<ValidationException>(() => Store.BeginNoticeAsync("../../etc/passwd", "ended:1"));
        await Should.ThrowAsync<ValidationException>(() => Store.BeginNoticeAsync(task.Id, new string('k', TaskNotice.MaxKeyLength + 1)));
        await Should.ThrowAsync<ValidationException>(() => Store.BeginNoticeAsync(task.Id, "ended:1\nposted"));
        await Should.ThrowAsync<ValidationException>(() => Store.BeginNoticeAsync(task.Id, " "));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishNoticeAsync(task.Id, "ended:1", NoticeState.Posted, new string('r', TaskNotice.MaxReferenceLength + 1)));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimNoticeCursorAsync(task.Id, "", TimeSpan.FromMinutes(1)));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.Zero));
        await Should.ThrowAsync<ValidationException>(() => Store.ReleaseNoticeCursorAsync("x'; DROP TABLE tasks; --", "a", 1, null));

        (await Store.ListNoticesAsync(task.Id)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task FindTasksWithUnreportedEvents_FinishedTask_IsFoundForItsEnd()
    {
        var task = await SubmitAsync(Ask() with { Origin = Issue(1) });
        await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1));
        await Store.ReleaseNoticeCursorAsync(task.Id, "a", 1, null);
        var lease = await ClaimAsync();
        await Store.ClaimNoticeCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1));
        await Store.ReleaseNoticeCursorAsync(task.Id, "a", 2, null);

        await Store.FinishAsync(lease, TaskOutcome.Failed("the tests did not compile"));

        (await Store.FindTasksWithUnreportedEventsAsync(10)).ShouldBe([task.Id]);
    }
}
