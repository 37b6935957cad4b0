using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Api;

/// <summary>
/// The real server for the endpoint routes: delivery switched off (so seeded deliveries stay as the test leaves them)
/// and loopback allowed for the SSRF rule, plus helpers that make endpoints and seed deliveries through the store.
/// </summary>
internal sealed class OutboundApiServer : IAsyncDisposable
{
    public const string PublicUrl = "https://hooks.example.com/nightshift";
    private const string Owner = "test-dispatcher";

    private readonly TempDirectory _data;

    private OutboundApiServer(TempDirectory data, RunningServer server)
    {
        _data = data;
        Server = server;
    }

    public RunningServer Server { get; }

    public HttpClient Client => Server.Client;

    public IOutboundStore Store => Server.Store;

    public static async Task<OutboundApiServer> StartAsync(string? settingsJson = null)
    {
        var data = new TempDirectory();
        await File.WriteAllTextAsync(
            Path.Combine(data.Path, "appsettings.json"),
            settingsJson ?? """{"Outbound": {"Enabled": false, "AllowedHosts": ["127.0.0.1"]}}""");
        return new OutboundApiServer(data, await RunningServer.StartAsync(dataDirectory: data.Path));
    }

    /// <returns>the whole answer of a successful create.</returns>
    public async Task<JsonElement> CreateAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/webhooks", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<string> CreateWebhookAsync(string url = PublicUrl) =>
        (await CreateAsync(new { url })).GetProperty("endpoint").GetProperty("id").GetString()!;

    /// <summary>A queued task with one delivery to the endpoint, tried once and dead with a hostile answer excerpt.</summary>
    public async Task<OutboundDelivery> SeedDeadDeliveryAsync(string endpointId, AttemptOutcome outcome = AttemptOutcome.Dead, string excerpt = "<script>alert('x')</script> upstream down")
    {
        var task = await ApiCalls.SubmitAsync(Client, "Seed a delivery " + Guid.NewGuid().ToString("N")[..8]);
        var taskId = task.GetProperty("id").GetString()!;
        var cursor = await Store.ClaimOutboxCursorAsync(taskId, Owner, TimeSpan.FromMinutes(1));
        cursor.ShouldNotBeNull();
        var payload = JsonSerializer.Serialize(new { type = "task.queued", timestamp = DateTimeOffset.UtcNow, data = new { task = new { id = taskId } } });
        (await Store.CompleteOutboxAsync(taskId, Owner, 1, [new NewOutboundDelivery(endpointId, taskId, 1, "task.queued", payload)])).ShouldBeTrue();
        var claimed = await Store.ClaimDueDeliveriesAsync(Owner, TimeSpan.FromMinutes(1), 100);
        var delivery = claimed.Single(d => d.TaskId == taskId);
        (await Store.RecordAttemptAsync(
            delivery.Id,
            Owner,
            new AttemptResult(outcome, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(120), outcome == AttemptOutcome.Gone ? 410 : 500, "the receiver answered 500 Internal Server Error", excerpt))).ShouldBeTrue();
        return (await Store.GetDeliveryAsync(delivery.Id))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }
}
