using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Outbound.Api;

/// <summary>An endpoint whose URL is a refused address outright is refused when made, saying how to allow it.</summary>
public sealed class OutboundEndpointsSsrfTests
{
    private const string NoAllowList = """{"Outbound": {"Enabled": false}}""";

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://192.168.1.20/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://2130706433/hook")]
    [InlineData("http://localhost:9000/hook")]
    [InlineData("https://api.localhost/hook")]
    public async Task PostWebhooks_RefusedAddressWithoutAllowList_Returns400NamingTheSetting(string url)
    {
        await using var server = await OutboundApiServer.StartAsync(NoAllowList);

        using var response = await server.Client.PostAsync("/api/v1/webhooks", ApiCalls.Json(JsonSerializer.Serialize(new { url })));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("url")[0].GetString()!.ShouldContain("Outbound:AllowedHosts");
        (await server.Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task PostWebhooks_LoopbackOnTheAllowList_IsMade()
    {
        await using var server = await OutboundApiServer.StartAsync("""{"Outbound": {"Enabled": false, "AllowedHosts": ["127.0.0.1", "10.20.0.0/16"]}}""");

        await server.CreateAsync(new { url = "http://127.0.0.1:8080/hook" });
        await server.CreateAsync(new { url = "http://10.20.3.4/hook" });

        (await server.Store.ListEndpointsAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task PatchWebhook_UrlToARefusedAddress_Returns400AndKeepsTheOldUrl()
    {
        await using var server = await OutboundApiServer.StartAsync(NoAllowList);
        var id = await server.CreateWebhookAsync();

        using var response = await server.Client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "http://169.254.169.254/latest/meta-data" });

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("url")[0].GetString()!.ShouldContain("Outbound:AllowedHosts");
        (await server.Store.GetEndpointAsync(id))!.Url.ShouldBe(OutboundApiServer.PublicUrl);
    }
}
