using System.Text.Json;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>
/// The real server on a SQLite store in a data folder whose appsettings.json holds the outbound settings a test
/// wants (loopback allowed, a short retry schedule), with helpers to make endpoints and task events.
/// </summary>
internal sealed class OutboundServer : IAsyncDisposable
{
    private OutboundServer(RunningServer server)
    {
        Server = server;
    }

    public RunningServer Server { get; }

    public INightshiftStore Store => Server.Store;

    /// <param name="retrySchedule">the waits of Outbound:RetrySchedule.</param>
    /// <param name="database">a PostgreSQL connection string for a fleet; null for SQLite in the data folder.</param>
    public static async Task<OutboundServer> StartAsync(string dataDirectory, IReadOnlyList<TimeSpan> retrySchedule, TimeSpan? timeout = null, string? database = null)
    {
        var settings = new Dictionary<string, object>
        {
            ["Outbound"] = new Dictionary<string, object>
            {
                ["AllowedHosts"] = new[] { "127.0.0.1" },
                ["RetrySchedule"] = retrySchedule.Select(t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                ["Timeout"] = (timeout ?? TimeSpan.FromSeconds(10)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                ["SweepInterval"] = "00:00:00.200",
                ["PollInterval"] = "00:00:00.100",
            },
            ["Webhooks"] = new Dictionary<string, object> { ["Status"] = new Dictionary<string, object> { ["Enabled"] = false } },
        };
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(settings));
        return new OutboundServer(await RunningServer.StartAsync(configure: o => o.Database = database, dataDirectory: dataDirectory));
    }

    public static IReadOnlyList<TimeSpan> Schedule(params double[] seconds) => [.. seconds.Select(TimeSpan.FromSeconds)];

    public Task<OutboundEndpoint> AddEndpointAsync(Uri url, IReadOnlyList<string>? eventTypes = null) =>
        Store.CreateEndpointAsync(new NewOutboundEndpoint(OutboundChannel.Webhook, url.AbsoluteUri, [], "test receiver", eventTypes ?? [], [], OutboundTestData.SecretOne, MaxInFlight: 8));

    /// <summary>Submits a task, claims it and writes <paramref name="messages"/> more events (tool.call) to its log.</summary>
    /// <returns>the task's id and the sequence of its last event.</returns>
    public async Task<(string TaskId, long LastSequence)> TaskWithEventsAsync(int messages, string instruction = "Say hello\nto everyone")
    {
        var submitted = await Store.SubmitAsync(new NewTask { Repo = "https://git.example.com/team/app", Instruction = instruction });
        var lease = await Store.TryClaimAsync(new ClaimRequest("test-worker:1:0", TimeSpan.FromMinutes(5)))
            ?? throw new InvalidOperationException("the task could not be claimed");
        long last = 0;
        for (var i = 0; i < messages; i++)
        {
            last = await Store.AppendEventAsync(lease, "tool.call", JsonSerializer.Serialize(new { tool = "read", i }));
        }
        return (submitted.Task.Id, last);
    }

    /// <summary>Every delivery of the endpoint (all pages), oldest first.</summary>
    public async Task<IReadOnlyList<OutboundDelivery>> DeliveriesAsync(string endpointId)
    {
        var all = new List<OutboundDelivery>();
        long? before = null;
        do
        {
            var page = await Store.ListDeliveriesAsync(endpointId, null, before, 100);
            all.AddRange(page.Deliveries);
            before = page.NextBefore;
        }
        while (before is not null);
        return [.. all.OrderBy(d => d.Number)];
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>The event sequence inside a received payload.</summary>
    public static (string TaskId, long Sequence) EventOf(ReceivedWebhook webhook)
    {
        using var doc = JsonDocument.Parse(webhook.Body);
        var ev = doc.RootElement.GetProperty("data").GetProperty("event");
        return (ev.GetProperty("taskId").GetString()!, ev.GetProperty("seq").GetInt64());
    }
}
