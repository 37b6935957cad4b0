using System.Net;
using System.Text;
using System.Text.Json;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Outbound.Api;

/// <summary>Every refused endpoint request gets a problem naming the field and what to send, and stores nothing.</summary>
public sealed class OutboundEndpointsBadInputTests
{
    [Theory]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"id\": \"we_mine\"}", "id")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"createdAt\": \"2020-01-01T00:00:00Z\"}", "createdAt")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"active\": false}", "active")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"managedBy\": \"config\"}", "managedBy")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"secrets\": [{\"value\": \"whsec_AAAA\"}]}", "secrets")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"secret\": \"whsec_AAAA\"}", "secret")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"disabledReason\": \"x\"}", "disabledReason")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"isAdmin\": true}", "isAdmin")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"url\": \"https://evil.example.com/\"}", "url")]
    public async Task PostWebhooks_UnknownOrServerOwnedField_Returns400NamingIt_AndStoresNothing(string body, string field)
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"url\": ", "body")]
    [InlineData("not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("null", "body")]
    [InlineData("\"https://hooks.example.com/x\"", "body")]
    [InlineData("{\"url\": 5}", "url")]
    [InlineData("{\"url\": [\"https://hooks.example.com/x\"]}", "url")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"events\": \"task.succeeded\"}", "events")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"events\": [1]}", "events")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"repositories\": {\"a\": 1}}", "repositories")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"maxInFlight\": \"4\"}", "maxInFlight")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"maxInFlight\": 0}", "maxInFlight")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"maxInFlight\": 1.5}", "maxInFlight")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"maxInFlight\": 99999999999}", "maxInFlight")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"maxPerMinute\": -1}", "maxPerMinute")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"channel\": \"pager\"}", "channel")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"channel\": 1}", "channel")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"description\": 7}", "description")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"description\": \"two\\nlines\"}", "description")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"events\": [\"task.nothing\"]}", "events")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"events\": [\"nope.*\"]}", "events")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"repositories\": [\"  \"]}", "repositories")]
    [InlineData("{\"url\": \"https://hooks.example.com/x\", \"recipients\": [\"ops@example.com\"]}", "recipients")]
    [InlineData("{\"channel\": \"email\"}", "recipients")]
    [InlineData("{\"channel\": \"email\", \"recipients\": [\"not an address\"]}", "recipients")]
    [InlineData("{\"channel\": \"email\", \"recipients\": [\"Ops <ops@example.com>\"]}", "recipients")]
    [InlineData("{\"channel\": \"email\", \"recipients\": [\"ops@example.com\\r\\nBcc: all@example.com\"]}", "recipients")]
    [InlineData("{\"channel\": \"email\", \"recipients\": [\"ops@example.com\"], \"url\": \"https://hooks.example.com/x\"}", "url")]
    public async Task PostWebhooks_MalformedOrWrongTypedOrInvalid_Returns400NamingTheField(string body, string field)
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out var messages).ShouldBeTrue(problem.ToString());
        messages.EnumerateArray().First().GetString().ShouldNotBeNullOrWhiteSpace();
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JAVASCRIPT://hooks.example.com/%0aalert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("//hooks.example.com/x")]
    [InlineData("/relative/path")]
    [InlineData("https://user:password@hooks.example.com/x")]
    [InlineData("https://hooks.example.com/x\r\nX-Injected: 1")]
    [InlineData("https://hooks.example.com/x y")]
    [InlineData("https://hooks.example.com/x#fragment")]
    [InlineData("https://")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task PostWebhooks_BadUrl_Returns400OnTheUrl(string url)
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(JsonSerializer.Serialize(new { url })));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("url", out _).ShouldBeTrue(problem.ToString());
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task PostWebhooks_MissingUrlOrEmptyObject_Returns400SayingWhatToGive()
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json("{}"));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("url")[0].GetString()!.ShouldContain("https://");
    }

    [Fact]
    public async Task PostWebhooks_UrlLongerThanTheLimit_Returns400()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var url = "https://hooks.example.com/" + new string('a', 3000);

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(JsonSerializer.Serialize(new { url })));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("url")[0].GetString()!.ShouldContain("2048");
    }

    [Theory]
    [InlineData("events", 101)]
    [InlineData("repositories", 20_000)]
    public async Task PostWebhooks_HugeArray_Returns400WithTheLimit(string field, int count)
    {
        await using var server = await OutboundApiServer.StartAsync();
        var values = Enumerable.Range(0, count).Select(i => field == "events" ? "task.succeeded" : $"https://github.com/example/app{i}");
        var body = new Dictionary<string, object> { ["url"] = OutboundApiServer.PublicUrl, [field] = values };

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(JsonSerializer.Serialize(body)));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldContain("at most 100");
    }

    [Fact]
    public async Task PostWebhooks_BodyOverTheLimit_Returns413()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var body = "{\"url\": \"https://hooks.example.com/x\", \"description\": \"" + new string('a', 2 * 1024 * 1024) + "\"}";

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(body));

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task PostWebhooks_EmptyBodyOrNotJson_Returns400Or415()
    {
        await using var server = await OutboundApiServer.StartAsync();

        using var empty = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(""));
        using var form = await server.Client.PostAsync("/api/v1/webhooks", new StringContent("url=https://hooks.example.com/x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await ApiCalls.ShouldBeProblemAsync(empty, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(form, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("{\"channel\": \"slack\"}", "channel")]
    [InlineData("{\"id\": \"we_other\"}", "id")]
    [InlineData("{\"managedBy\": \"config\"}", "managedBy")]
    [InlineData("{\"active\": \"yes\"}", "active")]
    [InlineData("{\"url\": \"javascript:alert(1)\"}", "url")]
    [InlineData("{\"recipients\": [\"ops@example.com\"]}", "recipients")]
    [InlineData("{\"maxPerMinute\": 60001}", "maxPerMinute")]
    [InlineData("[]", "body")]
    public async Task PatchWebhook_BadBody_Returns400NamingTheField_AndChangesNothing(string body, string field)
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();
        var before = await server.Store.GetEndpointAsync(id);

        using var response = await server.Client.PatchAsync($"/api/v1/webhooks/{id}", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        var after = (await server.Store.GetEndpointAsync(id))!;
        after.UpdatedAt.ShouldBe(before!.UpdatedAt);
        after.Url.ShouldBe(before.Url);
        after.Description.ShouldBe(before.Description);
        after.Active.ShouldBe(before.Active);
        after.MaxPerMinute.ShouldBe(before.MaxPerMinute);
    }

    [Theory]
    [InlineData("GET", "/api/v1/webhooks")]
    [InlineData("POST", "/api/v1/webhooks")]
    [InlineData("GET", "/api/v1/webhooks/we_x")]
    [InlineData("PATCH", "/api/v1/webhooks/we_x")]
    [InlineData("DELETE", "/api/v1/webhooks/we_x")]
    [InlineData("POST", "/api/v1/webhooks/we_x/secrets")]
    [InlineData("DELETE", "/api/v1/webhooks/we_x/secrets/sec_x")]
    [InlineData("GET", "/api/v1/webhooks/we_x/deliveries")]
    [InlineData("GET", "/api/v1/webhooks/we_x/deliveries/msg_x")]
    [InlineData("POST", "/api/v1/webhooks/we_x/deliveries/msg_x/redeliver")]
    public async Task AnyRoute_WithoutOrWithAWrongToken_Returns401(string method, string path)
    {
        await using var server = await OutboundApiServer.StartAsync();
        using var anonymous = server.Server.CreateClient(null);
        using var wrong = server.Server.CreateClient("ns_not-the-token");

        foreach (var client in new[] { anonymous, wrong })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PATCH" ? ApiCalls.Json("{\"url\": \"https://hooks.example.com/x\"}") : null };
            using var response = await client.SendAsync(request);
            await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        }
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("GET", "/api/v1/webhooks/we_000000000000000000000000")]
    [InlineData("PATCH", "/api/v1/webhooks/we_000000000000000000000000")]
    [InlineData("DELETE", "/api/v1/webhooks/we_000000000000000000000000")]
    [InlineData("POST", "/api/v1/webhooks/we_000000000000000000000000/secrets")]
    [InlineData("DELETE", "/api/v1/webhooks/we_000000000000000000000000/secrets/sec_x")]
    [InlineData("GET", "/api/v1/webhooks/we_000000000000000000000000/deliveries")]
    [InlineData("GET", "/api/v1/webhooks/we_000000000000000000000000/deliveries/msg_x")]
    [InlineData("POST", "/api/v1/webhooks/we_000000000000000000000000/deliveries/msg_x/redeliver")]
    [InlineData("GET", "/api/v1/webhooks/we_%0D%0AX-Injected:%201")]
    [InlineData("GET", "/api/v1/webhooks/%3Cscript%3E")]
    [InlineData("DELETE", "/api/v1/webhooks/..%2F..%2Ftasks")]
    public async Task AnyRoute_UnknownOrHostileId_Returns404Problem(string method, string path)
    {
        await using var server = await OutboundApiServer.StartAsync();
        const string Unknown = "we_000000000000000000000000";
        string[] targets = path.Contains(Unknown, StringComparison.Ordinal) ? [path, path.Replace(Unknown, new string('w', 5000), StringComparison.Ordinal)] : [path];

        foreach (var target in targets)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "PATCH" ? ApiCalls.Json("{\"description\": \"x\"}") : null };
            using var response = await server.Client.SendAsync(request);
            var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
            problem.GetProperty("detail").GetString()!.ShouldNotContain("\n");
        }
    }
}
