using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    protected AttemptResult Attempt(AttemptOutcome outcome, int? status = 200, DateTimeOffset? retryAt = null, string? error = null, string? excerpt = null) =>
        new(outcome, Clock.GetUtcNow(), TimeSpan.FromMilliseconds(42), status, error ?? (outcome == AttemptOutcome.Delivered ? null : $"the receiver answered {status}"), excerpt, retryAt);

    protected Task<IReadOnlyList<OutboundDelivery>> MakeDeliveriesAsync(string taskId, string endpointId, int count) =>
        MakeDeliveriesAsync(taskId, [endpointId], count);

    /// <summary>Walks the task's outbox as the fan-out would: <paramref name="count"/> events, each to every endpoint given.</summary>
    protected async Task<IReadOnlyList<OutboundDelivery>> MakeDeliveriesAsync(string taskId, IReadOnlyList<string> endpointIds, int count)
    {
        var cursor = await Store.ClaimOutboxCursorAsync(taskId, "fan-out", LeaseTime);
        cursor.ShouldNotBeNull("the outbox cursor should have been free");
        var deliveries = new List<NewOutboundDelivery>();
        for (var i = 1; i <= count; i++)
        {
            var seq = cursor.LastSequence + i;
            deliveries.AddRange(endpointIds.Select(e => new NewOutboundDelivery(e, taskId, seq, "task.message", $$"""{"seq":{{seq}}}""")));
        }
        (await Store.CompleteOutboxAsync(taskId, "fan-out", cursor.LastSequence + count, deliveries)).ShouldBeTrue();
        var made = new List<OutboundDelivery>();
        foreach (var endpointId in endpointIds.Distinct())
        {
            made.AddRange((await Store.ListDeliveriesAsync(endpointId, null, null, 1000)).Deliveries.Where(d => d.TaskId == taskId));
        }
        return made.OrderBy(d => d.Number).ToList();
    }

    [StoreFact]
    public async Task FindTasksWithUnsentEvents_NoActiveEndpoint_FindsNothing()
    {
        await SubmitAsync();
        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBeEmpty("there is no endpoint");

        var endpoint = await Store.CreateEndpointAsync(Webhook());
        await Store.UpdateEndpointAsync(endpoint.Id, new OutboundEndpointPatch(Active: false));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await SubmitAsync();

        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBeEmpty("the only endpoint is turned off");
    }

    [StoreFact]
    public async Task FindTasksWithUnsentEvents_TasksChangedSinceTheEndpoint_AreFoundUntilTheirCursorPassesThem()
    {
        var old = await SubmitAsync(Ask("before any endpoint"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.CreateEndpointAsync(Webhook());
        Clock.Advance(TimeSpan.FromSeconds(1));
        var first = await SubmitAsync(Ask("first"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await SubmitAsync(Ask("second"));

        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBe([first.Id, second.Id], "least recently changed first; the old task is not");
        (await Store.FindTasksWithUnsentEventsAsync(1)).ShouldBe([first.Id]);

        var cursor = (await Store.ClaimOutboxCursorAsync(first.Id, "a", LeaseTime))!;
        cursor.ShouldBe(new OutboxCursor(first.Id, 0));
        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBe([second.Id], "a leased cursor is someone's work");
        (await Store.CompleteOutboxAsync(first.Id, "a", 1, [])).ShouldBeTrue();
        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBe([second.Id]);

        Clock.Advance(TimeSpan.FromSeconds(1));
        await ClaimAsync();
        (await Store.FindTasksWithUnsentEventsAsync(10)).ShouldBe([second.Id, old.Id], "the old task was claimed: it has a new event now");
    }

    [StoreFact]
    public async Task ClaimOutboxCursor_TwoOwnersFromTwoStores_OnlyOneHoldsItUntilItExpires()
    {
        await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        var other = await OpenAsync();

        (await Store.ClaimOutboxCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1))).ShouldNotBeNull();
        (await other.ClaimOutboxCursorAsync(task.Id, "b", TimeSpan.FromMinutes(1))).ShouldBeNull();
        (await Store.ClaimOutboxCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1))).ShouldNotBeNull("the holder may extend its lease");
        (await other.CompleteOutboxAsync(task.Id, "b", 1, [])).ShouldBeFalse("b never held it");

        Clock.Advance(TimeSpan.FromMinutes(2));
        (await other.ClaimOutboxCursorAsync(task.Id, "b", TimeSpan.FromMinutes(1))).ShouldNotBeNull("a's lease expired");
        (await Store.CompleteOutboxAsync(task.Id, "a", 1, [])).ShouldBeFalse("a lost its lease to b");
        (await Store.ClaimOutboxCursorAsync("00000000000000000000000000", "a", TimeSpan.FromMinutes(1))).ShouldBeNull("no such task");
    }

    [StoreFact]
    public async Task CompleteOutbox_WithDeliveries_WritesThemPendingAndMovesTheCursorNeverBack()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        await Store.ClaimOutboxCursorAsync(task.Id, "a", LeaseTime);

        (await Store.CompleteOutboxAsync(task.Id, "a", 3, [new(endpoint.Id, task.Id, 1, "task.queued", "{\"n\":1}"), new(endpoint.Id, task.Id, 3, "task.started", "{\"n\":3}")])).ShouldBeTrue();

        var page = await Store.ListDeliveriesAsync(endpoint.Id, null, null, 10);
        page.Deliveries.Select(d => d.Sequence).ShouldBe([3L, 1L], "newest first");
        var first = page.Deliveries[1];
        first.Id.ShouldStartWith("msg_");
        first.State.ShouldBe(OutboundDeliveryState.Pending);
        first.Attempts.ShouldBe(0);
        first.EventType.ShouldBe("task.queued");
        first.Payload.ShouldBe("{\"n\":1}");
        first.NextAttemptAt.ShouldBe(Clock.GetUtcNow());
        first.CreatedAt.ShouldBe(Clock.GetUtcNow());
        page.Deliveries[0].Number.ShouldBeGreaterThan(first.Number);
        (await Store.GetDeliveryAsync(first.Id)).ShouldBe(first);

        (await Store.ClaimOutboxCursorAsync(task.Id, "a", LeaseTime))!.LastSequence.ShouldBe(3);
        (await Store.CompleteOutboxAsync(task.Id, "a", 1, [])).ShouldBeTrue();
        (await Store.ClaimOutboxCursorAsync(task.Id, "a", LeaseTime))!.LastSequence.ShouldBe(3, "the cursor never moves back");
    }

    [StoreFact]
    public async Task CompleteOutbox_LostLease_WritesNothing()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        await Store.ClaimOutboxCursorAsync(task.Id, "a", TimeSpan.FromMinutes(1));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await Store.ClaimOutboxCursorAsync(task.Id, "b", TimeSpan.FromMinutes(1));

        (await Store.CompleteOutboxAsync(task.Id, "a", 1, [new(endpoint.Id, task.Id, 1, "task.queued", "{}")])).ShouldBeFalse();

        (await Store.ListDeliveriesAsync(endpoint.Id, null, null, 10)).Deliveries.ShouldBeEmpty();
        (await Store.CompleteOutboxAsync(task.Id, "b", 0, [])).ShouldBeTrue();
        (await Store.ClaimOutboxCursorAsync(task.Id, "b", LeaseTime))!.LastSequence.ShouldBe(0);
    }

    [StoreFact]
    public async Task CompleteOutbox_EndpointRemovedMeanwhile_SkipsItsDeliveries()
    {
        var kept = await Store.CreateEndpointAsync(Webhook());
        var removed = await Store.CreateEndpointAsync(Webhook("https://gone.example.com/h"));
        var task = await SubmitAsync();
        await Store.ClaimOutboxCursorAsync(task.Id, "a", LeaseTime);
        await Store.DeleteEndpointAsync(removed.Id);

        (await Store.CompleteOutboxAsync(task.Id, "a", 1, [new(kept.Id, task.Id, 1, "task.queued", "{}"), new(removed.Id, task.Id, 1, "task.queued", "{}")])).ShouldBeTrue();

        (await Store.CountDeliveriesAsync())[OutboundDeliveryState.Pending].ShouldBe(1);
    }

    [StoreFact]
    public async Task CompleteOutbox_HostileOrOversizedDeliveries_AreRefusedAndNothingIsWritten()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        await Store.ClaimOutboxCursorAsync(task.Id, "a", LeaseTime);
        NewOutboundDelivery[] bad =
        [
            new(endpoint.Id, "not-a-task", 1, "task.queued", "{}"),
            new("", task.Id, 1, "task.queued", "{}"),
            new(endpoint.Id, task.Id, -1, "task.queued", "{}"),
            new(endpoint.Id, task.Id, 1, "task.queued\r\n", "{}"),
            new(endpoint.Id, task.Id, 1, "", "{}"),
            new(endpoint.Id, task.Id, 1, "task.queued", ""),
            new(endpoint.Id, task.Id, 1, "task.queued", "{\"a\":\"\0\"}"),
            new(endpoint.Id, task.Id, 1, "task.queued", new string('x', OutboundDelivery.MaxPayloadLength + 1)),
        ];
        foreach (var delivery in bad)
        {
            await Should.ThrowAsync<ValidationException>(() => Store.CompleteOutboxAsync(task.Id, "a", 1, [new(endpoint.Id, task.Id, 1, "task.queued", "{}"), delivery]));
        }
        await Should.ThrowAsync<ValidationException>(() => Store.CompleteOutboxAsync(task.Id, "a", -1, []));
        await Should.ThrowAsync<ValidationException>(() => Store.CompleteOutboxAsync("../etc", "a", 1, []));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimOutboxCursorAsync(task.Id, "", LeaseTime));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimOutboxCursorAsync(task.Id, "a", TimeSpan.Zero));

        (await Store.CountDeliveriesAsync()).Values.Sum().ShouldBe(0);
        (await Store.CompleteOutboxAsync(task.Id, "a", 1, [])).ShouldBeTrue("the refused calls left the lease in place");
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_SameTaskAndEndpoint_OneAtATimeInOrder()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        var made = await MakeDeliveriesAsync(task.Id, endpoint.Id, 3);

        var first = await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        first.Select(d => d.Id).ShouldBe([made[0].Id], "the later ones wait for the first");
        first[0].State.ShouldBe(OutboundDeliveryState.Sending);
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).ShouldBeEmpty("the first is being sent");

        await Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Retry, 503, retryAt: Clock.GetUtcNow().AddSeconds(5)));
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).ShouldBeEmpty("the first is pending but not due; the later ones keep waiting");

        Clock.Advance(TimeSpan.FromSeconds(5));
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Select(d => d.Id).ShouldBe([made[0].Id]);
        await Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Delivered));
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Select(d => d.Id).ShouldBe([made[1].Id]);
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_DeadEarlierDelivery_DoesNotBlockTheNext()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        var made = await MakeDeliveriesAsync(task.Id, endpoint.Id, 2);
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);

        await Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Dead, 400));

        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Select(d => d.Id).ShouldBe([made[1].Id]);
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_ManyTasksAndEndpoints_OldestFirstUpToMaxInFlight()
    {
        var narrow = await Store.CreateEndpointAsync(Webhook(maxInFlight: 2));
        var wide = await Store.CreateEndpointAsync(Webhook("https://wide.example.com/h", maxInFlight: 10));
        var tasks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var task = await SubmitAsync(Ask($"task {i}"));
            tasks.Add(task.Id);
            await MakeDeliveriesAsync(task.Id, [narrow.Id, wide.Id], 1);
        }

        var claimed = await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 100);

        claimed.Count(d => d.EndpointId == narrow.Id).ShouldBe(2, "the narrow endpoint takes two at once, counted within one claim");
        claimed.Count(d => d.EndpointId == wide.Id).ShouldBe(4);
        claimed.Select(d => d.Number).ShouldBeInOrder();
        claimed.Where(d => d.EndpointId == narrow.Id).Select(d => d.TaskId).ShouldBe(tasks.Take(2), "oldest first");
        (await Store.ClaimDueDeliveriesAsync("b", LeaseTime, 100)).ShouldBeEmpty("the narrow endpoint is full");

        await Store.RecordAttemptAsync(claimed.First(d => d.EndpointId == narrow.Id).Id, "a", Attempt(AttemptOutcome.Delivered));
        (await Store.ClaimDueDeliveriesAsync("b", LeaseTime, 100)).Select(d => d.TaskId).ShouldBe([tasks[2]]);
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_MaxGiven_ClaimsNoMore()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: 64));
        for (var i = 0; i < 5; i++)
        {
            await MakeDeliveriesAsync((await SubmitAsync(Ask($"task {i}"))).Id, endpoint.Id, 1);
        }

        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 3)).Count.ShouldBe(3);
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 3)).Count.ShouldBe(2);
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimDueDeliveriesAsync("a", LeaseTime, 0));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimDueDeliveriesAsync("a", LeaseTime, 100_000));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimDueDeliveriesAsync("", LeaseTime, 1));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimDueDeliveriesAsync("a\nb", LeaseTime, 1));
        await Should.ThrowAsync<ValidationException>(() => Store.ClaimDueDeliveriesAsync("a", TimeSpan.FromDays(1), 1));
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_InactiveEndpoint_IsSkippedUntilTurnedOnAgain()
    {
        var off = await Store.CreateEndpointAsync(Webhook());
        var on = await Store.CreateEndpointAsync(Webhook("https://on.example.com/h"));
        var task = await SubmitAsync();
        await MakeDeliveriesAsync(task.Id, [off.Id, on.Id], 1);
        await Store.UpdateEndpointAsync(off.Id, new OutboundEndpointPatch(Active: false));

        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Select(d => d.EndpointId).ShouldBe([on.Id]);
        (await Store.NextDeliveryDueAsync()).ShouldBe(Clock.GetUtcNow() + LeaseTime, "only the sending one's lease is left to wait for");

        await Store.UpdateEndpointAsync(off.Id, new OutboundEndpointPatch(Active: true));
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Select(d => d.EndpointId).ShouldBe([off.Id], "its delivery waited, none was dropped");
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_LapsedLease_IsClaimedAgainByAnotherServer()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: 1));
        var task = await SubmitAsync();
        var made = await MakeDeliveriesAsync(task.Id, endpoint.Id, 1);
        var other = await OpenAsync();
        (await Store.ClaimDueDeliveriesAsync("a", TimeSpan.FromSeconds(30), 10)).Count.ShouldBe(1);
        (await other.ClaimDueDeliveriesAsync("b", TimeSpan.FromSeconds(30), 10)).ShouldBeEmpty();

        Clock.Advance(TimeSpan.FromSeconds(31));
        var again = await other.ClaimDueDeliveriesAsync("b", TimeSpan.FromSeconds(30), 10);

        again.Select(d => d.Id).ShouldBe([made[0].Id], "a crashed server's claim lapsed");
        (await Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Delivered))).ShouldBeFalse("a lost it to b");
        (await other.RecordAttemptAsync(made[0].Id, "b", Attempt(AttemptOutcome.Delivered))).ShouldBeTrue();
        (await Store.ListAttemptsAsync(made[0].Id)).ShouldHaveSingleItem().Outcome.ShouldBe(AttemptOutcome.Delivered);
    }

    [StoreFact]
    public async Task RecordAttempt_EachOutcome_MovesTheDeliveryOnAndKeepsTheAttempt()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: 10));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await MakeDeliveriesAsync((await SubmitAsync(Ask($"task {i}"))).Id, endpoint.Id, 1))[0].Id);
        }
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        var retryAt = Clock.GetUtcNow().AddMinutes(5);
        Clock.Advance(TimeSpan.FromSeconds(1));

        (await Store.RecordAttemptAsync(ids[0], "a", Attempt(AttemptOutcome.Delivered, 204, excerpt: "ok"))).ShouldBeTrue();
        (await Store.RecordAttemptAsync(ids[1], "a", Attempt(AttemptOutcome.Retry, 503, retryAt))).ShouldBeTrue();
        (await Store.RecordAttemptAsync(ids[2], "a", Attempt(AttemptOutcome.Dead, 400, excerpt: "bad request"))).ShouldBeTrue();

        var delivered = (await Store.GetDeliveryAsync(ids[0]))!;
        delivered.State.ShouldBe(OutboundDeliveryState.Delivered);
        delivered.DeliveredAt.ShouldBe(Clock.GetUtcNow());
        delivered.Attempts.ShouldBe(1);
        delivered.LastStatusCode.ShouldBe(204);
        delivered.LastError.ShouldBeNull();
        delivered.LastAttemptAt.ShouldBe(Clock.GetUtcNow());
        var retrying = (await Store.GetDeliveryAsync(ids[1]))!;
        retrying.State.ShouldBe(OutboundDeliveryState.Pending);
        retrying.NextAttemptAt.ShouldBe(retryAt);
        retrying.LastError.ShouldBe("the receiver answered 503");
        var dead = (await Store.GetDeliveryAsync(ids[2]))!;
        dead.State.ShouldBe(OutboundDeliveryState.Dead);
        dead.DeliveredAt.ShouldBeNull();
        (await Store.GetEndpointAsync(endpoint.Id))!.Active.ShouldBeTrue("only 410 disables");

        var attempt = (await Store.ListAttemptsAsync(ids[2])).ShouldHaveSingleItem();
        attempt.ShouldBe(new OutboundAttempt(ids[2], 1, Clock.GetUtcNow(), TimeSpan.FromMilliseconds(42), AttemptOutcome.Dead, 400, "the receiver answered 400", "bad request"));
        (await Store.RecordAttemptAsync(ids[0], "a", Attempt(AttemptOutcome.Delivered))).ShouldBeFalse("no longer sending");
        var counts = await Store.CountDeliveriesAsync();
        counts.ShouldBe(new Dictionary<OutboundDeliveryState, long>
        {
            [OutboundDeliveryState.Pending] = 1, [OutboundDeliveryState.Sending] = 0, [OutboundDeliveryState.Delivered] = 1, [OutboundDeliveryState.Dead] = 1,
        });
        (await Store.NextDeliveryDueAsync()).ShouldBe(retryAt);
    }

    [StoreFact]
    public async Task RecordAttempt_Gone_KillsTheDeliveryAndDisablesTheEndpointWithTheReason()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var task = await SubmitAsync();
        var made = await MakeDeliveriesAsync(task.Id, endpoint.Id, 2);
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

        await Store.RecordAttemptAsync(made[0].Id, "a", new AttemptResult(AttemptOutcome.Gone, at, TimeSpan.FromMilliseconds(5), 410, "410 Gone", null));

        (await Store.GetDeliveryAsync(made[0].Id))!.State.ShouldBe(OutboundDeliveryState.Dead);
        var disabled = (await Store.GetEndpointAsync(endpoint.Id))!;
        disabled.Active.ShouldBeFalse();
        disabled.DisabledReason.ShouldBe("the receiver answered 410 Gone at 2026-12-05T10:00:00Z");
        (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).ShouldBeEmpty("the endpoint is disabled; its next delivery waits");
        (await Store.NextDeliveryDueAsync()).ShouldBeNull();
        (await Store.GetDeliveryAsync(made[1].Id))!.State.ShouldBe(OutboundDeliveryState.Pending);
    }

    [StoreFact]
    public async Task RecordAttempt_WrongOwnerOrBadResult_WritesNothing()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var made = await MakeDeliveriesAsync((await SubmitAsync()).Id, endpoint.Id, 1);
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);

        (await Store.RecordAttemptAsync(made[0].Id, "b", Attempt(AttemptOutcome.Delivered))).ShouldBeFalse();
        (await Store.RecordAttemptAsync("msg_000000000000000000000000", "a", Attempt(AttemptOutcome.Delivered))).ShouldBeFalse();
        (await Store.RecordAttemptAsync("x'; DELETE FROM outbound_deliveries; --", "a", Attempt(AttemptOutcome.Delivered))).ShouldBeFalse();
        await Should.ThrowAsync<ValidationException>(() => Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Retry, 503)));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Delivered) with { Duration = TimeSpan.FromSeconds(-1) }));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Delivered, 1000)));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordAttemptAsync(made[0].Id, "", Attempt(AttemptOutcome.Delivered)));

        (await Store.ListAttemptsAsync(made[0].Id)).ShouldBeEmpty();
        (await Store.GetDeliveryAsync(made[0].Id))!.State.ShouldBe(OutboundDeliveryState.Sending);
    }

    [StoreFact]
    public async Task RecordAttempt_HugeErrorAndExcerpt_AreClippedOnACharacterBoundary()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var made = await MakeDeliveriesAsync((await SubmitAsync()).Id, endpoint.Id, 1);
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        var emoji = string.Concat(Enumerable.Repeat("😀", OutboundAttempt.MaxExcerptLength));
        var error = "e" + string.Concat(Enumerable.Repeat("😀", OutboundDelivery.MaxErrorLength)) + "\0";

        await Store.RecordAttemptAsync(made[0].Id, "a", Attempt(AttemptOutcome.Dead, 500, error: error, excerpt: emoji));

        var attempt = (await Store.ListAttemptsAsync(made[0].Id)).Single();
        attempt.ResponseExcerpt!.Length.ShouldBeLessThanOrEqualTo(OutboundAttempt.MaxExcerptLength);
        attempt.ResponseExcerpt.Length.ShouldBeGreaterThan(OutboundAttempt.MaxExcerptLength - 2);
        char.IsHighSurrogate(attempt.ResponseExcerpt[^1]).ShouldBeFalse();
        attempt.Error!.Length.ShouldBeLessThanOrEqualTo(OutboundDelivery.MaxErrorLength);
        attempt.Error.ShouldEndWith("…");
        attempt.Error.ShouldNotContain('\0');
        (await Store.GetDeliveryAsync(made[0].Id))!.LastError.ShouldBe(attempt.Error);
    }

    [StoreFact]
    public async Task Redeliver_DeadDelivery_IsPendingAgainWithItsIdAndTheAttemptCountContinues()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook());
        var made = await MakeDeliveriesAsync((await SubmitAsync()).Id, endpoint.Id, 1);
        var id = made[0].Id;
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        await Store.RecordAttemptAsync(id, "a", Attempt(AttemptOutcome.Retry, 500, Clock.GetUtcNow()));
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10);
        await Store.RecordAttemptAsync(id, "a", Attempt(AttemptOutcome.Dead, 500));
        Clock.Advance(TimeSpan.FromHours(1));

        var again = (await Store.RedeliverAsync(id))!;

        again.Id.ShouldBe(id);
        again.State.ShouldBe(OutboundDeliveryState.Pending);
        again.Attempts.ShouldBe(0);
        again.NextAttemptAt.ShouldBe(Clock.GetUtcNow());
        (await Store.RedeliverAsync(id)).ShouldBe(again, "a pending delivery is left as it is");
        var claimed = (await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 10)).Single();
        claimed.Id.ShouldBe(id);
        (await Store.RedeliverAsync(id))!.State.ShouldBe(OutboundDeliveryState.Sending, "a sending delivery is left as it is");
        await Store.RecordAttemptAsync(id, "a", Attempt(AttemptOutcome.Delivered));
        (await Store.ListAttemptsAsync(id)).Select(a => a.Number).ShouldBe([1, 2, 3]);
        (await Store.GetDeliveryAsync(id))!.Attempts.ShouldBe(1);
        (await Store.RedeliverAsync(id))!.State.ShouldBe(OutboundDeliveryState.Pending, "a delivered one can be sent again too");
        (await Store.RedeliverAsync("msg_000000000000000000000000")).ShouldBeNull();
        (await Store.RedeliverAsync("../../x")).ShouldBeNull();
    }

    [StoreFact]
    public async Task ListDeliveries_Paging_WalksNewestFirstByNumberAndFiltersByState()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: 64));
        var other = await Store.CreateEndpointAsync(Webhook("https://other.example.com/h"));
        var made = new List<OutboundDelivery>();
        for (var i = 0; i < 5; i++)
        {
            made.AddRange(await MakeDeliveriesAsync((await SubmitAsync(Ask($"task {i}"))).Id, [endpoint.Id, other.Id], 1));
        }
        var mine = made.Where(d => d.EndpointId == endpoint.Id).OrderByDescending(d => d.Number).ToList();
        await Store.ClaimDueDeliveriesAsync("a", LeaseTime, 100);
        await Store.RecordAttemptAsync(mine[1].Id, "a", Attempt(AttemptOutcome.Dead, 400));
        await Store.RecordAttemptAsync(mine[3].Id, "a", Attempt(AttemptOutcome.Dead, 400));

        var first = await Store.ListDeliveriesAsync(endpoint.Id, null, null, 2);
        var second = await Store.ListDeliveriesAsync(endpoint.Id, null, first.NextBefore, 2);
        var third = await Store.ListDeliveriesAsync(endpoint.Id, null, second.NextBefore, 2);

        first.Deliveries.Select(d => d.Id).ShouldBe(mine.Take(2).Select(d => d.Id));
        second.Deliveries.Select(d => d.Id).ShouldBe(mine.Skip(2).Take(2).Select(d => d.Id));
        third.Deliveries.Select(d => d.Id).ShouldBe([mine[4].Id]);
        third.NextBefore.ShouldBeNull();
        var dead = await Store.ListDeliveriesAsync(endpoint.Id, OutboundDeliveryState.Dead, null, 10);
        dead.Deliveries.Select(d => d.Id).ShouldBe([mine[1].Id, mine[3].Id]);
        dead.NextBefore.ShouldBeNull();
        (await Store.ListDeliveriesAsync(endpoint.Id, OutboundDeliveryState.Dead, null, 1)).NextBefore.ShouldBe(mine[1].Number);
        (await Store.ListDeliveriesAsync("we_000000000000000000000000", null, null, 10)).Deliveries.ShouldBeEmpty();
        (await Store.ListDeliveriesAsync("'; --", null, null, 10)).Deliveries.ShouldBeEmpty();
        await Should.ThrowAsync<ValidationException>(() => Store.ListDeliveriesAsync(endpoint.Id, null, null, 0));
        await Should.ThrowAsync<ValidationException>(() => Store.ListDeliveriesAsync(endpoint.Id, null, null, 1_000_001));
        await Should.ThrowAsync<ValidationException>(() => Store.ListDeliveriesAsync(endpoint.Id, null, -5, 10));
        await Should.ThrowAsync<ValidationException>(() => Store.ListDeliveriesAsync(endpoint.Id, (OutboundDeliveryState)42, null, 10));
    }

    [StoreFact]
    public async Task NextDeliveryDue_NothingWaiting_IsNullAndAFullEndpointWaitsForItsLeases()
    {
        (await Store.NextDeliveryDueAsync()).ShouldBeNull();
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: 1));
        await MakeDeliveriesAsync((await SubmitAsync(Ask("one"))).Id, endpoint.Id, 1);
        await MakeDeliveriesAsync((await SubmitAsync(Ask("two"))).Id, endpoint.Id, 1);
        (await Store.NextDeliveryDueAsync()).ShouldBe(Clock.GetUtcNow());

        await Store.ClaimDueDeliveriesAsync("a", TimeSpan.FromSeconds(30), 10);

        (await Store.NextDeliveryDueAsync()).ShouldBe(Clock.GetUtcNow().AddSeconds(30), "the second is due but its endpoint is full until the lease lapses");
    }

    [StoreFact]
    public async Task ClaimDueDeliveries_TwoStoresClaimingConcurrently_NeverShareADeliveryAndMissNone()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(maxInFlight: OutboundEndpoint.MaxMaxInFlight));
        var made = new List<OutboundDelivery>();
        for (var i = 0; i < 20; i++)
        {
            made.AddRange(await MakeDeliveriesAsync((await SubmitAsync(Ask($"task {i}"))).Id, endpoint.Id, 10));
        }
        made.Count.ShouldBe(200);
        var stores = new[] { Store, await OpenAsync() };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var claimers = stores.Select((store, n) => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<string>();
            var idle = 0;
            while (idle < 3)
            {
                var claimed = await store.ClaimDueDeliveriesAsync($"server-{n}", LeaseTime, 7);
                idle = claimed.Count == 0 ? idle + 1 : 0;
                foreach (var delivery in claimed)
                {
                    mine.Add(delivery.Id);
                    (await store.RecordAttemptAsync(delivery.Id, $"server-{n}", Attempt(AttemptOutcome.Delivered))).ShouldBeTrue();
                }
            }
            return mine;
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(claimers);

        results[0].Intersect(results[1]).ShouldBeEmpty();
        results.SelectMany(r => r).Order().ShouldBe(made.Select(d => d.Id).Order());
        (await Store.CountDeliveriesAsync())[OutboundDeliveryState.Delivered].ShouldBe(200);
        (await Store.ListAttemptsAsync(made[0].Id)).ShouldHaveSingleItem();
    }
}
