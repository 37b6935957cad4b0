using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests.Teams;

/// <summary>The token and user routes over real HTTP, as the installation's admin.</summary>
public sealed class TokensApiTests : IAsyncLifetime
{
    private RunningServer server = null!;

    public async Task InitializeAsync() => server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<JsonElement> AddUserAsync(string name, string role)
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/users", new { name, role });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var user = await ApiCalls.ReadJsonAsync(response);
        response.Headers.Location!.ToString().ShouldBe("/api/v1/users/" + user.GetProperty("id").GetString());
        return user;
    }

    [Fact]
    public async Task CreateToken_IsShownOnce_AndNeverAgainInListGetOrAudit()
    {
        var user = await AddUserAsync("ci", "member");
        var userId = user.GetProperty("id").GetString()!;

        using var created = await server.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", scopes = new[] { "tasks:read", "tasks:write" }, expiresInDays = 30, userId });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await ApiCalls.ReadJsonAsync(created);
        var token = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        token.ShouldStartWith("ns_");
        body.GetProperty("hint").GetString().ShouldBe(token[..7]);
        body.GetProperty("userId").GetString().ShouldBe(userId);
        body.GetProperty("state").GetString().ShouldBe("active");
        body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ShouldBe(["tasks:read", "tasks:write"]);
        created.Headers.Location!.ToString().ShouldBe("/api/v1/tokens/" + id);
        var secretPart = token[7..];

        var texts = new List<string>();
        foreach (var path in new[] { "/api/v1/tokens?all=true", $"/api/v1/tokens/{id}", "/api/v1/users", "/api/v1/audit", "/api/v1/audit/export" })
        {
            await TestKit.TestDefaults.WaitUntilAsync(async () =>
            {
                using var response = await server.Client.GetAsync(path);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !text.Contains(id, StringComparison.Ordinal) && path.Contains("audit", StringComparison.Ordinal))
                {
                    return false;
                }
                texts.Add(text);
                return true;
            }, $"{path} answers");
        }
        texts.ShouldAllBe(t => !t.Contains(secretPart, StringComparison.Ordinal));
        texts[0].ShouldContain(id);
        texts[0].ShouldNotContain("\"token\"");
        texts[0].ShouldNotContain("hash", Case.Insensitive);
    }

    [Fact]
    public async Task CreateToken_ScopeOutsideTheUsersRole_Is400NamingTheScope()
    {
        var viewer = await AddUserAsync("watcher", "viewer");

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "x", scopes = new[] { "tasks:write" }, userId = viewer.GetProperty("id").GetString() });

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("scopes")[0].GetString()!.ShouldContain("'tasks:write'");
        (await server.Store.ListTokensAsync("default", viewer.GetProperty("id").GetString())).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateToken_UnknownUser_Is404()
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "x", userId = "usr_nobody" });

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RevokeToken_RevokesAtOnce_IsIdempotent_AndAnUnknownIdIs404()
    {
        var user = await AddUserAsync("laptop owner", "member");
        using var created = await server.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "laptop", userId = user.GetProperty("id").GetString() });
        var id = (await ApiCalls.ReadJsonAsync(created)).GetProperty("id").GetString()!;

        using var revoked = await server.Client.DeleteAsync($"/api/v1/tokens/{id}");
        using var again = await server.Client.DeleteAsync($"/api/v1/tokens/{id}");
        using var unknown = await server.Client.DeleteAsync("/api/v1/tokens/tok_unknown");
        using var hostile = await server.Client.DeleteAsync("/api/v1/tokens/" + Uri.EscapeDataString("tok_x'; DELETE FROM api_tokens;--"));

        revoked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(revoked)).GetProperty("state").GetString().ShouldBe("revoked");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(hostile, HttpStatusCode.NotFound);
        (await server.Store.ListTokensAsync("default", null)).Single(t => t.Id == id).RevokedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Users_CreateListPatch_AndTheLastAdminIsKept()
    {
        // An organisation whose only admin is Ada, so "the last active admin" is hers to keep.
        await TeamSetup.OrgAsync(server.Store, "acme");
        var ada = await TeamSetup.MemberAsync(server.Store, "acme", Nightshift.Core.Teams.TeamRole.Admin, name: "Ada");
        using var client = server.CreateClient(ada.Token);
        using var added = await client.PostAsJsonAsync("/api/v1/users", new { name = "Grace", role = "member" });
        var memberId = (await ApiCalls.ReadJsonAsync(added)).GetProperty("id").GetString()!;
        var adminId = ada.User.Id;

        using var list = await client.GetAsync("/api/v1/users");
        using var demoteLast = await client.PatchAsync($"/api/v1/users/{adminId}", ApiCalls.Json("""{"role":"member"}"""));
        using var disableLast = await client.PatchAsync($"/api/v1/users/{adminId}", ApiCalls.Json("""{"disabled":true}"""));
        using var unknown = await client.PatchAsync("/api/v1/users/usr_nobody", ApiCalls.Json("""{"role":"viewer"}"""));
        using var promote = await client.PatchAsync($"/api/v1/users/{memberId}", ApiCalls.Json("""{"role":"admin"}"""));
        using var demoteNow = await client.PatchAsync($"/api/v1/users/{adminId}", ApiCalls.Json("""{"role":"viewer","disabled":true}"""));

        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(list)).GetProperty("items").GetArrayLength().ShouldBe(2);
        (await ApiCalls.ShouldBeProblemAsync(demoteLast, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("last active admin");
        await ApiCalls.ShouldBeProblemAsync(disableLast, HttpStatusCode.Conflict);
        await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        promote.StatusCode.ShouldBe(HttpStatusCode.OK);
        var changed = await ApiCalls.ReadJsonAsync(demoteNow);
        changed.GetProperty("role").GetString().ShouldBe("viewer");
        changed.GetProperty("disabled").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Users_AnotherOrganisationsUser_IsNotFound_LikeAMissingOne()
    {
        await server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        var outsider = await server.Store.CreateUserAsync(new NewTeamUser("acme", "outsider", Core.Teams.TeamRole.Member));

        using var get = await server.Client.GetAsync($"/api/v1/users/{outsider.Id}");
        using var patch = await server.Client.PatchAsync($"/api/v1/users/{outsider.Id}", ApiCalls.Json("""{"role":"admin"}"""));
        using var token = await server.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "x", userId = outsider.Id });
        using var missing = await server.Client.GetAsync("/api/v1/users/usr_missing");

        var getBody = await ApiCalls.ShouldBeProblemAsync(get, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(patch, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(token, HttpStatusCode.NotFound);
        var missingBody = await ApiCalls.ShouldBeProblemAsync(missing, HttpStatusCode.NotFound);
        getBody.GetProperty("title").GetString().ShouldBe(missingBody.GetProperty("title").GetString());
        (await server.Store.FindUserAsync("acme", outsider.Id))!.Role.ShouldBe(Core.Teams.TeamRole.Member);
    }
}
