using System.Net;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

/// <summary>The token, user and audit routes refuse malformed, oversized and hostile input with a problem naming the field.</summary>
public sealed class TeamsBadInputTests : IAsyncLifetime
{
    private RunningServer server = null!;

    public async Task InitializeAsync() => server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/tokens", """{"name":"ci","scopes":["root"]}""", "scopes")]
    [InlineData("/api/v1/tokens", """{"name":"ci","orgId":"other"}""", "orgId")]
    [InlineData("/api/v1/tokens", """{"name":"ci","token":"ns_test_mine"}""", "token")]
    [InlineData("/api/v1/tokens", """{"name":"ci","expiresInDays":99999}""", "expiresInDays")]
    [InlineData("/api/v1/tokens", """{"scopes":["tasks:read"]}""", "name")]
    [InlineData("/api/v1/tokens", """[]""", "body")]
    [InlineData("/api/v1/users", """{"name":"Ada","role":"god"}""", "role")]
    [InlineData("/api/v1/users", """{"name":"Ada","role":"viewer","id":"usr_mine"}""", "id")]
    [InlineData("/api/v1/users", """{"name":"Ada"}""", "role")]
    public async Task Post_BadBody_Is400NamingTheField(string path, string body, string field)
    {
        using var response = await server.Client.PostAsync(path, ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Theory]
    [InlineData("""{"role":"owner"}""", "role")]
    [InlineData("""{"disabled":"no"}""", "disabled")]
    [InlineData("""{"orgId":"other","role":"admin"}""", "orgId")]
    [InlineData("{}", "body")]
    public async Task PatchUser_BadBody_Is400NamingTheField(string body, string field)
    {
        using var response = await server.Client.PatchAsync("/api/v1/users/usr_anyone", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Theory]
    [InlineData("/api/v1/tokens")]
    [InlineData("/api/v1/users")]
    public async Task Post_NotJson_Is400Or415(string path)
    {
        using var notJson = await server.Client.PostAsync(path, ApiCalls.Json("{\"name\": "));
        using var wrongType = await server.Client.PostAsync(path, new StringContent("name=ci", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var empty = await server.Client.PostAsync(path, ApiCalls.Json(""));

        await ApiCalls.ShouldBeProblemAsync(notJson, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType);
        await ApiCalls.ShouldBeProblemAsync(empty, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PostToken_OversizedBody_Is413()
    {
        var huge = "{\"name\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";

        using var response = await server.Client.PostAsync("/api/v1/tokens", ApiCalls.Json(huge));

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/api/v1/tokens?all=maybe", "all")]
    [InlineData("/api/v1/audit?limit=0", "limit")]
    [InlineData("/api/v1/audit?since=soon", "since")]
    [InlineData("/api/v1/audit?before=-5", "before")]
    [InlineData("/api/v1/audit?action=%3Cscript%3E", "action")]
    [InlineData("/api/v1/audit?org=NOT%20VALID", "org")]
    [InlineData("/api/v1/audit/export?until=never", "until")]
    public async Task Get_BadQuery_Is400NamingTheParameter(string path, string field)
    {
        using var response = await server.Client.GetAsync(path);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>");
    }

    [Theory]
    [InlineData("GET", "/api/v1/tokens")]
    [InlineData("POST", "/api/v1/tokens")]
    [InlineData("DELETE", "/api/v1/tokens/tok_x")]
    [InlineData("GET", "/api/v1/users")]
    [InlineData("PATCH", "/api/v1/users/usr_x")]
    [InlineData("GET", "/api/v1/audit")]
    [InlineData("GET", "/api/v1/audit/export")]
    public async Task AnyRoute_WithoutAToken_Is401(string method, string path)
    {
        using var anonymous = server.CreateClient(null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : ApiCalls.Json("{}") };

        using var response = await anonymous.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
