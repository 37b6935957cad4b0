using Microsoft.AspNetCore.Http;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;
using StandardWebhooks;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>The delivery engine end to end: the real server on SQLite, real receivers on 127.0.0.1.</summary>
public sealed class OutboundDeliveryTests
{
    private static readonly IReadOnlyList<TimeSpan> FastRetries = OutboundServer.Schedule(0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2);

    [Fact]
    public async Task Deliver_ReceiverDownForAWhile_EveryEventArrivesLaterOnceInOrderWithStableIds()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var up = false;
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = Volatile.Read(ref up) ? 204 : 503;
            return Task.CompletedTask;
        };
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var endpoint = await server.AddEndpointAsync(receiver.Url);
        var tasks = new List<(string TaskId, long Last)>();
        for (var i = 0; i < 3; i++)
        {
            tasks.Add(await server.TaskWithEventsAsync(messages: 4));
        }
        var expected = tasks.Sum(t => (int)t.Last);

        await TestDefaults.WaitUntilAsync(() => receiver.Received.Count >= 6, "the receiver refused a few deliveries");
        Volatile.Write(ref up, true);
        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Count(d => d.State == OutboundDeliveryState.Delivered) == expected, "every delivery was delivered");

        var deliveries = await server.DeliveriesAsync(endpoint.Id);
        deliveries.Count.ShouldBe(expected);
        var received = receiver.Received;
        foreach (var (taskId, last) in tasks)
        {
            var mine = deliveries.Where(d => d.TaskId == taskId).ToList();
            mine.Select(d => d.Sequence).ShouldBe(Enumerable.Range(1, (int)last).Select(s => (long)s));
            // The accepted requests (the last one per delivery id) came in sequence order.
            var accepted = received.Where(r => OutboundServer.EventOf(r).TaskId == taskId).GroupBy(r => r.Id).Select(g => g.Last()).OrderBy(r => r.At).ToList();
            accepted.Select(r => OutboundServer.EventOf(r).Sequence).ShouldBe(mine.Select(d => d.Sequence));
            accepted.Select(r => r.Id).ShouldBe(mine.Select(d => d.Id));
        }
        foreach (var byId in received.GroupBy(r => r.Id))
        {
            byId.Select(r => OutboundServer.EventOf(r)).Distinct().Count().ShouldBe(1);
            byId.Select(r => r.Body).Distinct().Count().ShouldBe(1);
        }
        received.Count.ShouldBeGreaterThan(expected);
        var retried = deliveries.First(d => d.Attempts > 1);
        var attempts = await server.Store.ListAttemptsAsync(retried.Id);
        attempts.Count.ShouldBe(retried.Attempts);
        attempts[^1].Outcome.ShouldBe(AttemptOutcome.Delivered);
        attempts[0].StatusCode.ShouldBe(503);
        new StandardWebhook(OutboundTestData.SecretOne).Verify(received[^1].Body, received[^1].Headers);
    }

    [Fact]
    public async Task Deliver_EventTypeFilter_SendsOnlyMatchingEvents()
    {
        using var data = new TempDirectory();
        await using var all = await WebhookReceiver.StartAsync();
        await using var some = await WebhookReceiver.StartAsync();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var everything = await server.AddEndpointAsync(all.Url);
        var onlyStarts = await server.AddEndpointAsync(some.Url, ["task.started"]);

        var (_, last) = await server.TaskWithEventsAsync(messages: 2);

        await TestDefaults.WaitUntilAsync(() => all.Received.Count == last && some.Received.Count == 1, "both receivers got what they asked for");
        using var doc = System.Text.Json.JsonDocument.Parse(some.Received[0].Body);
        doc.RootElement.GetProperty("type").GetString().ShouldBe("task.started");
        doc.RootElement.GetProperty("data").GetProperty("task").GetProperty("title").GetString().ShouldBe("Say hello");
        (await server.DeliveriesAsync(onlyStarts.Id)).Count.ShouldBe(1);
        (await server.DeliveriesAsync(everything.Id)).Count.ShouldBe((int)last);
    }

    [Fact]
    public async Task Deliver_ReceiverAnswersGone_DisablesTheEndpointAndLaterDeliveriesWaitUntilEnabled()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var gone = true;
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = Volatile.Read(ref gone) ? 410 : 204;
            return Task.CompletedTask;
        };
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var endpoint = await server.AddEndpointAsync(receiver.Url);

        var (taskId, last) = await server.TaskWithEventsAsync(messages: 3);

        await TestDefaults.WaitUntilAsync(async () => (await server.Store.GetEndpointAsync(endpoint.Id))!.Active == false, "the endpoint was disabled");
        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Count == last, "every event became a delivery");
        var disabled = (await server.Store.GetEndpointAsync(endpoint.Id))!;
        disabled.DisabledReason!.ShouldContain("410");
        var deliveries = await server.DeliveriesAsync(endpoint.Id);
        deliveries.Count(d => d.State == OutboundDeliveryState.Dead).ShouldBe(1);
        deliveries.Count(d => d.State == OutboundDeliveryState.Pending).ShouldBe((int)last - 1);
        receiver.Received.Count.ShouldBe(1);

        Volatile.Write(ref gone, false);
        await server.Store.UpdateEndpointAsync(endpoint.Id, new OutboundEndpointPatch(Active: true));

        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Count(d => d.State == OutboundDeliveryState.Delivered) == last - 1, "the waiting deliveries were delivered");
        receiver.Received.Count.ShouldBe((int)last);
        receiver.Received.Skip(1).Select(r => OutboundServer.EventOf(r).Sequence).ShouldBe(Enumerable.Range(2, (int)last - 1).Select(s => (long)s));
        receiver.Received.ShouldAllBe(r => OutboundServer.EventOf(r).TaskId == taskId);
    }

    [Fact]
    public async Task Deliver_RetryAfter_IsWaitedForBeforeTheNextTry()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var calls = 0;
        receiver.Answer = (_, context) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "2";
            }
            else
            {
                context.Response.StatusCode = 204;
            }
            return Task.CompletedTask;
        };
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var endpoint = await server.AddEndpointAsync(receiver.Url, ["task.queued"]);

        await server.TaskWithEventsAsync(messages: 0);

        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Any(d => d.State == OutboundDeliveryState.Delivered), "the delivery was delivered");
        var received = receiver.Received;
        received.Count.ShouldBe(2);
        (received[1].At - received[0].At).ShouldBeGreaterThan(TimeSpan.FromSeconds(1.9));
        received[1].Id.ShouldBe(received[0].Id);
    }

    [Fact]
    public async Task Deliver_RestartInTheMiddleOfTheSchedule_DeliversOnceAfterTheRestart()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var up = false;
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = Volatile.Read(ref up) ? 200 : 500;
            return Task.CompletedTask;
        };
        string endpointId;
        await using (var first = await OutboundServer.StartAsync(data.Path, OutboundServer.Schedule(0, 3, 3)))
        {
            endpointId = (await first.AddEndpointAsync(receiver.Url, ["task.queued"])).Id;
            await first.TaskWithEventsAsync(messages: 0);
            await TestDefaults.WaitUntilAsync(async () => (await first.DeliveriesAsync(endpointId)).Any(d => d.Attempts == 1 && d.State == OutboundDeliveryState.Pending), "the first try failed");
        }
        receiver.Received.Count.ShouldBe(1);
        Volatile.Write(ref up, true);

        await using var second = await OutboundServer.StartAsync(data.Path, OutboundServer.Schedule(0, 3, 3));

        await TestDefaults.WaitUntilAsync(async () => (await second.DeliveriesAsync(endpointId)).Single().State == OutboundDeliveryState.Delivered, "the delivery was delivered after the restart");
        receiver.Received.Count.ShouldBe(2);
        receiver.Received[1].Id.ShouldBe(receiver.Received[0].Id);
        var delivery = (await second.DeliveriesAsync(endpointId)).Single();
        var attempts = await second.Store.ListAttemptsAsync(delivery.Id);
        attempts.Select(a => a.Outcome).ShouldBe([AttemptOutcome.Retry, AttemptOutcome.Delivered]);
        attempts.Select(a => a.StatusCode).ShouldBe([500, 200]);
    }

    [Fact]
    public async Task Deliver_OneReceiverHangs_AnotherEndpointStillGetsEverythingPromptly()
    {
        using var data = new TempDirectory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Answer = async (_, context) =>
        {
            await release.Task.WaitAsync(context.RequestAborted);
            context.Response.StatusCode = 204;
        };
        await using var fast = await WebhookReceiver.StartAsync();
        try
        {
            await using var server = await OutboundServer.StartAsync(data.Path, FastRetries, timeout: TimeSpan.FromSeconds(60));
            var slowEndpoint = await server.AddEndpointAsync(slow.Url);
            var fastEndpoint = await server.AddEndpointAsync(fast.Url);

            var expected = 0L;
            for (var i = 0; i < 4; i++)
            {
                expected += (await server.TaskWithEventsAsync(messages: 5)).LastSequence;
            }

            // The receiver sees a request a moment before the sender records it as delivered, so wait for both.
            await TestDefaults.WaitUntilAsync(async () => fast.Received.Count == expected
                && (await server.DeliveriesAsync(fastEndpoint.Id)).All(d => d.State == OutboundDeliveryState.Delivered),
                "the fast receiver got every event and each was recorded as delivered");
            slow.Received.Count.ShouldBeGreaterThan(0);
            (await server.DeliveriesAsync(slowEndpoint.Id)).Count(d => d.State == OutboundDeliveryState.Delivered).ShouldBe(0);

            release.TrySetResult();
            await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(slowEndpoint.Id)).All(d => d.State == OutboundDeliveryState.Delivered) && slow.Received.Count == expected, "the slow receiver caught up");
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Deliver_ReceiverAlwaysFails_DeadLetterAfterTheLastTryWithEveryAttempt()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, context) =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("boom: database down");
        };
        await using var server = await OutboundServer.StartAsync(data.Path, OutboundServer.Schedule(0, 0.05, 0.05));
        var endpoint = await server.AddEndpointAsync(receiver.Url, ["task.queued"]);

        await server.TaskWithEventsAsync(messages: 0);

        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Any(d => d.State == OutboundDeliveryState.Dead), "the delivery became a dead letter");
        var dead = (await server.DeliveriesAsync(endpoint.Id)).Single();
        dead.Attempts.ShouldBe(3);
        dead.LastStatusCode.ShouldBe(500);
        dead.LastError!.ShouldContain("gave up after 3 tries");
        var attempts = await server.Store.ListAttemptsAsync(dead.Id);
        attempts.Select(a => a.Outcome).ShouldBe([AttemptOutcome.Retry, AttemptOutcome.Retry, AttemptOutcome.Dead]);
        attempts.ShouldAllBe(a => a.StatusCode == 500 && a.ResponseExcerpt == "boom: database down" && a.Error != null);
        receiver.Received.Count.ShouldBe(3);
        (await server.Store.GetEndpointAsync(endpoint.Id))!.Active.ShouldBeTrue();
    }

    [Fact]
    public async Task Deliver_Redelivered_ArrivesAgainWithTheSameId()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var endpoint = await server.AddEndpointAsync(receiver.Url, ["task.queued"]);
        await server.TaskWithEventsAsync(messages: 0);
        await TestDefaults.WaitUntilAsync(() => receiver.Received.Count == 1, "the delivery arrived");
        await TestDefaults.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint.Id)).Single().State == OutboundDeliveryState.Delivered, "it was recorded as delivered");

        await server.Store.RedeliverAsync((await server.DeliveriesAsync(endpoint.Id)).Single().Id);

        await TestDefaults.WaitUntilAsync(() => receiver.Received.Count == 2, "the redelivery arrived");
        receiver.Received[1].Id.ShouldBe(receiver.Received[0].Id);
        receiver.Received[1].Body.ShouldBe(receiver.Received[0].Body);
    }
}
