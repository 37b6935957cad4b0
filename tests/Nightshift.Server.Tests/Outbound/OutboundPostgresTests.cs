using System.Collections.Concurrent;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>Two servers of a fleet on one PostgreSQL database, both running the delivery engine.</summary>
public sealed class OutboundPostgresTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [PostgresFact]
    public async Task Deliver_TwoServersOneStopsWhileTheReceiverIsDown_EachDeliveryAcceptedOnceByWhicheverIsUp()
    {
        var database = await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken());
        using var dataA = new TempDirectory();
        using var dataB = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var up = false;
        var accepted = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        receiver.Answer = (request, context) =>
        {
            if (Volatile.Read(ref up))
            {
                accepted.AddOrUpdate(request.Id, 1, (_, n) => n + 1);
                context.Response.StatusCode = 204;
            }
            else
            {
                context.Response.StatusCode = 503;
            }
            return Task.CompletedTask;
        };
        var schedule = OutboundServer.Schedule([0, .. Enumerable.Repeat(0.2, 30)]);
        var first = await OutboundServer.StartAsync(dataA.Path, schedule, database: database);
        await using var second = await OutboundServer.StartAsync(dataB.Path, schedule, database: database);
        var endpoint = await first.AddEndpointAsync(receiver.Url);
        var expected = 0L;
        for (var i = 0; i < 4; i++)
        {
            expected += (await (i % 2 == 0 ? first : second).TaskWithEventsAsync(messages: 4)).LastSequence;
        }
        await TestDefaults.WaitUntilAsync(() => receiver.Received.Count >= 8, "the receiver refused a few deliveries");

        await first.DisposeAsync();
        Volatile.Write(ref up, true);

        await TestDefaults.WaitUntilAsync(async () => (await second.DeliveriesAsync(endpoint.Id)).Count(d => d.State == OutboundDeliveryState.Delivered) == expected, "every delivery was delivered");
        var deliveries = await second.DeliveriesAsync(endpoint.Id);
        deliveries.Count.ShouldBe((int)expected);
        accepted.Count.ShouldBe((int)expected);
        accepted.Values.ShouldAllBe(n => n == 1);
        deliveries.Select(d => d.Id).Order().ShouldBe(accepted.Keys.Order());
    }
}
