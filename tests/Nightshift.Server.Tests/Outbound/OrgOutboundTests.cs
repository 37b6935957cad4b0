using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;
using Nightshift.Storage.Teams;
using Nightshift.TestKit;
using StandardWebhooks;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>Endpoints belong to an organisation: fed only by its tasks, seen and changed only by it.</summary>
public sealed class OrgOutboundTests
{
    private static readonly IReadOnlyList<TimeSpan> FastRetries = OutboundServer.Schedule(0, 0.2, 0.2, 0.2, 0.2);

    private static Task<OutboundEndpoint> AddEndpointAsync(OutboundServer server, Uri url, string orgId) =>
        server.Store.CreateEndpointAsync(new NewOutboundEndpoint(OutboundChannel.Webhook, url.AbsoluteUri, [], "org receiver", [], [], OutboundTestData.SecretOne, MaxInFlight: 8) { OrgId = orgId });

    private static async Task<string> TaskOfAsync(INightshiftStore store, string orgId)
    {
        var submitted = await store.SubmitAsync(new NewTask { Repo = "https://git.example.com/team/app", Instruction = "Say hello " + orgId, OrgId = orgId }.Validated());
        return submitted.Task.Id;
    }

    [Fact]
    public async Task FanOut_TaskOfAnotherOrganisation_NeverReachesTheEndpoint()
    {
        using var data = new TempDirectory();
        await using var acmeReceiver = await WebhookReceiver.StartAsync();
        await using var globexReceiver = await WebhookReceiver.StartAsync();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        await server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        await server.Store.CreateOrgAsync(new NewOrganisation("globex", "Globex"));
        var acme = await AddEndpointAsync(server, acmeReceiver.Url, "acme");
        var globex = await AddEndpointAsync(server, globexReceiver.Url, "globex");

        var acmeTask = await TaskOfAsync(server.Store, "acme");
        var globexTask = await TaskOfAsync(server.Store, "globex");
        var defaultTask = await TaskOfAsync(server.Store, "default");

        await TestDefaults.WaitUntilAsync(() => acmeReceiver.Received.Count >= 1 && globexReceiver.Received.Count >= 1, "each organisation's receiver got its task's event");
        await TestDefaults.WaitUntilAsync(async () => (await server.Store.ClaimOutboxCursorAsync(defaultTask, "probe", TimeSpan.FromSeconds(1)))?.LastSequence >= 1,
            "the default organisation's task went through the fan-out too");
        acmeReceiver.Received.Select(r => OutboundServer.EventOf(r).TaskId).ShouldAllBe(id => id == acmeTask);
        globexReceiver.Received.Select(r => OutboundServer.EventOf(r).TaskId).ShouldAllBe(id => id == globexTask);
        (await server.DeliveriesAsync(acme.Id)).ShouldAllBe(d => d.TaskId == acmeTask);
        (await server.DeliveriesAsync(globex.Id)).ShouldAllBe(d => d.TaskId == globexTask);
    }

    [Fact]
    public async Task Api_EndpointOfAnotherOrganisation_Is404LikeAMissingOne()
    {
        using var data = new TempDirectory();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        await server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        var theirs = await AddEndpointAsync(server, new Uri("https://hooks.example.com/acme"), "acme");
        var client = server.Server.Client;
        var prefix = "/api/v1/webhooks";

        var list = await client.GetStringAsync(prefix);
        using var get = await client.GetAsync($"{prefix}/{theirs.Id}");
        using var missing = await client.GetAsync($"{prefix}/we_000000000000000000000000");
        using var patch = await client.PatchAsJsonAsync($"{prefix}/{theirs.Id}", new { active = false });
        using var rotate = await client.PostAsJsonAsync($"{prefix}/{theirs.Id}/secrets", new { });
        using var deliveries = await client.GetAsync($"{prefix}/{theirs.Id}/deliveries");
        using var delete = await client.DeleteAsync($"{prefix}/{theirs.Id}");

        list.ShouldNotContain(theirs.Id);
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
        using var missingBody = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        foreach (var field in new[] { "status", "title", "detail" })
        {
            body.RootElement.GetProperty(field).ToString().Replace(theirs.Id, "ID", StringComparison.Ordinal)
                .ShouldBe(missingBody.RootElement.GetProperty(field).ToString().Replace("we_000000000000000000000000", "ID", StringComparison.Ordinal));
        }
        patch.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        rotate.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        deliveries.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        delete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var still = await server.Store.GetEndpointAsync(theirs.Id);
        still.ShouldNotBeNull().Active.ShouldBeTrue();
        still.Secrets.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Api_Create_BelongsToTheCallersOrganisationAndRefusesAnOrgId()
    {
        using var data = new TempDirectory();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);
        var client = server.Server.Client;

        using var created = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/mine" });
        using var smuggled = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/theirs", orgId = "acme" });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = json.RootElement.GetProperty("endpoint").GetProperty("id").GetString()!;
        (await server.Store.GetEndpointAsync(id)).ShouldNotBeNull().OrgId.ShouldBe("default");
        smuggled.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await smuggled.Content.ReadAsStringAsync()).ShouldContain("orgId");
        (await server.Store.ListEndpointsAsync("acme")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Api_WebhookSecret_IsStoredEncryptedAndDeliveriesStillVerifyWithIt()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await OutboundServer.StartAsync(data.Path, FastRetries);

        using var created = await server.Server.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url.AbsoluteUri });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = json.RootElement.GetProperty("endpoint").GetProperty("id").GetString()!;
        var secret = json.RootElement.GetProperty("secret").GetProperty("value").GetString()!;
        await TaskOfAsync(server.Store, "default");
        await TestDefaults.WaitUntilAsync(() => receiver.Received.Count >= 1, "the receiver got the task's first event");

        var first = receiver.Received[0];
        new StandardWebhook(secret).Verify(first.Body, first.Headers);
        (await server.Store.GetEndpointAsync(id))!.Secrets.Single().Value.ShouldStartWith("dp1:");
        var body = System.Text.Encoding.ASCII.GetBytes(secret["whsec_".Length..]);
        foreach (var file in Directory.EnumerateFiles(data.Path, "*", SearchOption.AllDirectories))
        {
            File.ReadAllBytes(file).AsSpan().IndexOf(body).ShouldBe(-1, $"the signing secret is in {file} as plain text");
        }
    }
}
