using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Api;

/// <summary>The endpoint routes against the real server and store: what is made, shown, changed and removed, and that a secret is shown once.</summary>
public sealed class OutboundEndpointsApiTests
{
    [Fact]
    public async Task PostWebhooks_Webhook_Returns201WithTheSecretOnce_AndNoReadShowsItAgain()
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = OutboundApiServer.PublicUrl,
            events = new[] { "task.succeeded", "task.*" },
            repositories = new[] { "https://github.com/example/app" },
            description = "CI bridge",
            maxInFlight = 2,
            maxPerMinute = 120,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await ApiCalls.ReadJsonAsync(response);
        var endpoint = created.GetProperty("endpoint");
        var id = endpoint.GetProperty("id").GetString()!;
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/webhooks/{id}");
        endpoint.GetProperty("channel").GetString().ShouldBe("webhook");
        endpoint.GetProperty("active").GetBoolean().ShouldBeTrue();
        endpoint.GetProperty("managedBy").GetString().ShouldBe("api");
        endpoint.GetProperty("maxInFlight").GetInt32().ShouldBe(2);
        endpoint.GetProperty("maxPerMinute").GetInt32().ShouldBe(120);
        endpoint.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ShouldBe(["task.succeeded", "task.*"]);
        var secret = created.GetProperty("secret");
        var value = secret.GetProperty("value").GetString()!;
        value.ShouldStartWith("whsec_");
        Convert.FromBase64String(value["whsec_".Length..]).Length.ShouldBe(32);
        secret.GetProperty("id").GetString().ShouldBe(endpoint.GetProperty("secrets")[0].GetProperty("id").GetString());

        var one = await server.Client.GetStringAsync($"/api/v1/webhooks/{id}");
        var all = await server.Client.GetStringAsync("/api/v1/webhooks");
        one.ShouldNotContain(value);
        one.ShouldNotContain(value["whsec_".Length..]);
        all.ShouldNotContain(value["whsec_".Length..]);
        var shown = JsonDocument.Parse(one).RootElement.GetProperty("secrets")[0];
        shown.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "createdAt", "expiresAt", "active"], ignoreOrder: true);
        JsonDocument.Parse(all).RootElement.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(id);
        // At rest the secret is Data Protection ciphertext, never the value.
        var stored = (await server.Store.GetEndpointAsync(id))!.Secrets.Single().Value;
        stored.ShouldStartWith("dp1:");
        stored.ShouldNotContain(value["whsec_".Length..]);
    }

    [Fact]
    public async Task PostWebhooks_SlackAndEmail_AreMadeWithoutASecret()
    {
        await using var server = await OutboundApiServer.StartAsync();

        var slack = await server.CreateAsync(new { channel = "slack", url = "https://chat.example.com/hooks/T000/B000" });
        var email = await server.CreateAsync(new { channel = "email", recipients = new[] { "ops@example.com", "lead@example.com" } });

        slack.GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        slack.GetProperty("endpoint").GetProperty("channel").GetString().ShouldBe("slack");
        email.GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        email.GetProperty("endpoint").GetProperty("url").ValueKind.ShouldBe(JsonValueKind.Null);
        email.GetProperty("endpoint").GetProperty("recipients").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task PatchWebhook_Filters_AreChanged_AndOthersKept()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();

        using var response = await server.Client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { events = new[] { "task.failed" }, description = "only failures" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var endpoint = await ApiCalls.ReadJsonAsync(response);
        endpoint.GetProperty("events").EnumerateArray().Single().GetString().ShouldBe("task.failed");
        endpoint.GetProperty("description").GetString().ShouldBe("only failures");
        endpoint.GetProperty("url").GetString().ShouldBe(OutboundApiServer.PublicUrl);
    }

    [Fact]
    public async Task PatchWebhook_ActiveTrueAfterA410_ReenablesTheEndpointAndClearsTheReason()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();
        await server.SeedDeadDeliveryAsync(id, AttemptOutcome.Gone);
        var disabled = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/v1/webhooks/{id}")).RootElement;
        disabled.GetProperty("active").GetBoolean().ShouldBeFalse();
        disabled.GetProperty("disabledReason").GetString().ShouldNotBeNullOrWhiteSpace();

        using var response = await server.Client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { active = true });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var endpoint = await ApiCalls.ReadJsonAsync(response);
        endpoint.GetProperty("active").GetBoolean().ShouldBeTrue();
        endpoint.GetProperty("disabledReason").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task DeleteWebhook_Known_Returns204AndItIsGone()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();

        using var deleted = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}");
        using var again = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}");
        using var get = await server.Client.GetAsync($"/api/v1/webhooks/{id}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await ApiCalls.ShouldBeProblemAsync(again, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(get, HttpStatusCode.NotFound);
        (await server.Store.GetEndpointAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task PostSecrets_WithRetireOthersAfter_AddsASecretShownOnce_AndRetiresTheOldOne()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var created = await server.CreateAsync(new { url = OutboundApiServer.PublicUrl });
        var id = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        var oldSecretId = created.GetProperty("secret").GetProperty("id").GetString()!;
        var before = DateTimeOffset.UtcNow;

        using var response = await server.Client.PostAsJsonAsync($"/api/v1/webhooks/{id}/secrets", new { retireOthersAfter = "01:00:00" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var rotated = await ApiCalls.ReadJsonAsync(response);
        var value = rotated.GetProperty("secret").GetProperty("value").GetString()!;
        value.ShouldStartWith("whsec_");
        value.ShouldNotBe(created.GetProperty("secret").GetProperty("value").GetString());
        var text = await server.Client.GetStringAsync($"/api/v1/webhooks/{id}");
        text.ShouldNotContain(value["whsec_".Length..]);
        var secrets = JsonDocument.Parse(text).RootElement.GetProperty("secrets").EnumerateArray().ToList();
        secrets.Count.ShouldBe(2);
        var old = secrets.Single(s => s.GetProperty("id").GetString() == oldSecretId);
        old.GetProperty("active").GetBoolean().ShouldBeTrue();
        old.GetProperty("expiresAt").GetDateTimeOffset().ShouldBeInRange(before.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        secrets.Single(s => s.GetProperty("id").GetString() != oldSecretId).GetProperty("expiresAt").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task PostSecrets_WithoutBody_KeepsTheOthersSigning()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();

        using var response = await server.Client.PostAsync($"/api/v1/webhooks/{id}/secrets", null);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var endpoint = (await server.Store.GetEndpointAsync(id))!;
        endpoint.Secrets.Count.ShouldBe(2);
        endpoint.Secrets.ShouldAllBe(s => s.ExpiresAt == null);
    }

    [Theory]
    [InlineData("{\"retireOthersAfter\": \"forever\"}", "retireOthersAfter")]
    [InlineData("{\"retireOthersAfter\": \"-01:00:00\"}", "retireOthersAfter")]
    [InlineData("{\"retireOthersAfter\": \"400.00:00:00\"}", "retireOthersAfter")]
    [InlineData("{\"retireOthersAfter\": 3600}", "retireOthersAfter")]
    [InlineData("{\"value\": \"whsec_AAAA\"}", "value")]
    public async Task PostSecrets_BadBody_Returns400NamingTheField(string body, string field)
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();

        using var response = await server.Client.PostAsync($"/api/v1/webhooks/{id}/secrets", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await server.Store.GetEndpointAsync(id))!.Secrets.Count.ShouldBe(1);
    }

    [Fact]
    public async Task PostSecrets_SlackEndpoint_Returns400SayingItIsNotSigned()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var slack = await server.CreateAsync(new { channel = "slack", url = "https://chat.example.com/hooks/T000/B000" });
        var id = slack.GetProperty("endpoint").GetProperty("id").GetString()!;

        using var response = await server.Client.PostAsync($"/api/v1/webhooks/{id}/secrets", null);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("only webhook endpoints are signed");
    }

    [Fact]
    public async Task DeleteSecret_OldOneAfterRotation_Returns204_ButTheLastActiveOneIsRefused()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var created = await server.CreateAsync(new { url = OutboundApiServer.PublicUrl });
        var id = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        var first = created.GetProperty("secret").GetProperty("id").GetString()!;
        using var rotate = await server.Client.PostAsync($"/api/v1/webhooks/{id}/secrets", null);
        var second = (await ApiCalls.ReadJsonAsync(rotate)).GetProperty("secret").GetProperty("id").GetString()!;

        using var removed = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}/secrets/{first}");
        using var last = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}/secrets/{second}");
        using var unknown = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}/secrets/sec_000000000000000000000000");

        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await ApiCalls.ShouldBeProblemAsync(last, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        (await server.Store.GetEndpointAsync(id))!.Secrets.Single().Id.ShouldBe(second);
    }

    [Fact]
    public async Task ConfiguredEndpoint_ChangeSwitchOffRotateOrDelete_Returns409SayingWhereToChangeIt()
    {
        await using var server = await OutboundApiServer.StartAsync();
        await server.Store.SyncConfiguredEndpointsAsync(
        [
            new NewOutboundEndpoint(OutboundChannel.Email, null, ["ops@example.com"], "team mail", [], [], null, ManagedBy: OutboundEndpoint.ManagedByConfig, Id: "team-mail"),
        ]);

        using var change = await server.Client.PatchAsJsonAsync("/api/v1/webhooks/team-mail", new { description = "mine now" });
        using var off = await server.Client.PatchAsJsonAsync("/api/v1/webhooks/team-mail", new { active = false });
        using var delete = await server.Client.DeleteAsync("/api/v1/webhooks/team-mail");
        using var shown = await server.Client.GetAsync("/api/v1/webhooks/team-mail");

        (await ApiCalls.ShouldBeProblemAsync(change, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("configuration");
        await ApiCalls.ShouldBeProblemAsync(off, HttpStatusCode.Conflict);
        await ApiCalls.ShouldBeProblemAsync(delete, HttpStatusCode.Conflict);
        (await ApiCalls.ReadJsonAsync(shown)).GetProperty("managedBy").GetString().ShouldBe("config");
        var stored = (await server.Store.GetEndpointAsync("team-mail"))!;
        stored.Active.ShouldBeTrue();
        stored.Description.ShouldBe("team mail");
    }

    [Fact]
    public async Task DashboardPage_WithoutSignIn_IsNotPublicLikeTheForgeRoutes()
    {
        await using var server = await OutboundApiServer.StartAsync();
        await server.CreateWebhookAsync();
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Server.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/webhooks");
        request.Headers.Accept.ParseAdd("text/html");

        using var page = await anonymous.SendAsync(request);
        using var slash = await anonymous.GetAsync("/webhooks/");
        using var post = await anonymous.PostAsync("/webhooks?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string> { ["url"] = OutboundApiServer.PublicUrl }));

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("signin");
        slash.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        post.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.Store.ListEndpointsAsync()).Count.ShouldBe(1);
    }
}
