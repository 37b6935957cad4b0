using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Teams;
using Nightshift.Server.Orgs;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests.Orgs;

/// <summary><c>/api/v1/orgs</c> on the real server and store, called with the installation admin's token.</summary>
public sealed class OrgsApiTests
{
    private static async Task<JsonElement> CreateAsync(RunningServer server, object body)
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/orgs", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await ApiCalls.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Post_NewOrg_Answers201WithTheFirstAdminsTokenOnce_AndKeepsOnlyItsHash()
    {
        await using var server = await RunningServer.StartAsync();

        var created = await CreateAsync(server, new { id = "acme", name = "Acme Corp", quotas = new { maxRunning = 2, maxCostPerDayUsd = 5.5 }, allowedRepos = new[] { "https://github.com/acme/*" } });

        created.GetProperty("id").GetString().ShouldBe("acme");
        created.GetProperty("name").GetString().ShouldBe("Acme Corp");
        created.GetProperty("quotas").GetProperty("maxRunning").GetInt32().ShouldBe(2);
        created.GetProperty("quotas").GetProperty("maxCostPerDayUsd").GetDecimal().ShouldBe(5.5m);
        created.GetProperty("quotas").GetProperty("maxCostPerTaskUsd").ValueKind.ShouldBe(JsonValueKind.Null);
        created.GetProperty("allowedRepos").EnumerateArray().Select(r => r.GetString()).ShouldBe(["https://github.com/acme/*"]);
        var token = created.GetProperty("adminToken").GetString()!;
        token.ShouldStartWith("ns_");
        token.Length.ShouldBe(3 + 43);
        var stored = await server.Store.FindTokenByHashAsync(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        stored.ShouldNotBeNull();
        stored.Id.ShouldBe(created.GetProperty("adminTokenId").GetString());
        stored.OrgId.ShouldBe("acme");
        stored.Scopes.ShouldBe(Scopes.All, ignoreOrder: true);
        var user = await server.Store.FindUserAsync("acme", created.GetProperty("adminUserId").GetString()!);
        user.ShouldNotBeNull().Role.ShouldBe(TeamRole.Admin);
        using var again = await server.Client.GetAsync("/api/v1/orgs/acme");
        var shown = await again.Content.ReadAsStringAsync();
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        shown.ShouldNotContain(token);
        shown.ShouldNotContain("adminToken");
        using var list = await server.Client.GetAsync("/api/v1/orgs");
        var listed = await ApiCalls.ReadJsonAsync(list);
        listed.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ShouldBe(["acme", OrgIds.Default], ignoreOrder: true);
        listed.GetRawText().ShouldNotContain(token);
    }

    [Fact]
    public async Task Post_ExistingId_Answers409AndChangesNothing()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, new { id = "acme", name = "Acme" });

        using var response = await server.Client.PostAsJsonAsync("/api/v1/orgs", new { id = "acme", name = "Impostor" });
        using var defaultOrg = await server.Client.PostAsJsonAsync("/api/v1/orgs", new { id = "default", name = "Impostor" });

        (await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("already an organisation 'acme'");
        await ApiCalls.ShouldBeProblemAsync(defaultOrg, HttpStatusCode.Conflict);
        (await server.Store.FindOrgAsync("acme")).ShouldNotBeNull().Name.ShouldBe("Acme");
        (await server.Store.ListUsersAsync("acme")).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"id":"acme","name":"A","createdAt":"2026-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"id":"acme","name":"A","adminToken":"ns_mine"}""", "adminToken")]
    [InlineData("""{"id":"ACME","name":"A"}""", "id")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunning":-1}}""", "quotas.maxRunning")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxCostPerDayUsd":"5"}}""", "quotas.maxCostPerDayUsd")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["file:///etc"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":{"a":1}}""", "allowedRepos")]
    [InlineData("""{"id":"acme"}""", "name")]
    [InlineData("""[]""", "body")]
    [InlineData("""{"id":"acme","name":""", null)]
    [InlineData("""not json""", null)]
    public async Task Post_MalformedOrHostileBody_Answers400NamingTheField_AndCreatesNothing(string body, string? field)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/orgs", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null)
        {
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        }
        (await server.Store.ListOrgsAsync()).Select(o => o.Id).ShouldBe([OrgIds.Default]);
    }

    [Fact]
    public async Task Post_OversizedBody_IsRefusedBeforeAnythingIsStored()
    {
        await using var server = await RunningServer.StartAsync();
        var huge = $$"""{"id":"acme","name":"A","allowedRepos":["/srv/{{new string('a', 2_000_000)}}"]}""";

        using var response = await server.Client.PostAsync("/api/v1/orgs", ApiCalls.Json(huge));

        ((int)response.StatusCode).ShouldBeOneOf(400, 413);
        (await server.Store.FindOrgAsync("acme")).ShouldBeNull();
    }

    [Fact]
    public async Task Patch_SomeQuotas_ChangesThoseKeepsTheRest_AndNullRemovesOne()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, new { id = "acme", name = "Acme", quotas = new { maxRunning = 2, maxCostPerTaskUsd = 1, maxCostPerMonthUsd = 100 } });

        using var response = await server.Client.PatchAsync("/api/v1/orgs/acme", ApiCalls.Json("""{"quotas":{"maxCostPerDayUsd":5,"maxRunning":null},"name":"Acme Corp"}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var org = await server.Store.FindOrgAsync("acme");
        org.ShouldNotBeNull();
        org.Name.ShouldBe("Acme Corp");
        org.Quotas.ShouldBe(new OrgQuotas(null, null, 1m, 5m, 100m));
        var body = await ApiCalls.ReadJsonAsync(response);
        body.GetProperty("quotas").GetProperty("maxCostPerDayUsd").GetDecimal().ShouldBe(5m);
    }

    [Fact]
    public async Task Patch_AllowedRepos_ReplacesTheList_AndEmptyAllowsAnyAgain()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, new { id = "acme", name = "Acme", allowedRepos = new[] { "/srv/git/a" } });

        using var replaced = await server.Client.PatchAsJsonAsync("/api/v1/orgs/acme", new { allowedRepos = new[] { "https://gitlab.example.com/acme/*", "/srv/git/b" } });
        var afterReplace = (await server.Store.FindOrgAsync("acme"))!.AllowedRepos;
        using var cleared = await server.Client.PatchAsJsonAsync("/api/v1/orgs/acme", new { allowedRepos = Array.Empty<string>() });

        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        afterReplace.ShouldBe(["https://gitlab.example.com/acme/*", "/srv/git/b"]);
        cleared.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Store.FindOrgAsync("acme"))!.AllowedRepos.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"id":"other"}""", "id")]
    [InlineData("""{"updatedAt":"2026-01-01T00:00:00Z"}""", "updatedAt")]
    [InlineData("""{}""", "body")]
    [InlineData("""{"quotas":{"maxRunningPerRepo":1e9}}""", "quotas.maxRunningPerRepo")]
    public async Task Patch_BadBody_Answers400AndChangesNothing(string body, string field)
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, new { id = "acme", name = "Acme" });
        var before = await server.Store.FindOrgAsync("acme");

        using var response = await server.Client.PatchAsync("/api/v1/orgs/acme", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await server.Store.FindOrgAsync("acme")).ShouldBe(before);
    }

    [Theory]
    [InlineData("GET", "/api/v1/orgs/ghost")]
    [InlineData("PATCH", "/api/v1/orgs/ghost")]
    [InlineData("POST", "/api/v1/orgs/ghost/kill")]
    [InlineData("GET", "/api/v1/orgs/..%2Fdefault")]
    [InlineData("GET", "/api/v1/orgs/DEFAULT")]
    public async Task AnyRoute_UnknownOrg_Answers404(string method, string path)
    {
        await using var server = await RunningServer.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : ApiCalls.Json("""{"reason":"x","name":"n"}""") };
        using var response = await server.Client.SendAsync(request);

        (await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain("no organisation");
    }

    [Fact]
    public async Task Service_AnotherOrgsAdmin_SeesOnlyItsOwn_AndAnotherOrgIsLikeAMissingOne()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, new { id = "acme", name = "Acme" });
        await CreateAsync(server, new { id = "globex", name = "Globex" });
        var orgs = server.App.Services.GetRequiredService<OrgService>();
        var acmeAdmin = new Caller("acme", "usr_acme", "admin", TeamRole.Admin, Scopes.ForRole(TeamRole.Admin), null, "token");

        (await orgs.ListAsync(acmeAdmin)).Select(o => o.Id).ShouldBe(["acme"]);
        (await orgs.GetAsync(acmeAdmin, "acme")).ShouldNotBeNull();
        (await orgs.GetAsync(acmeAdmin, "globex")).ShouldBeNull();
        (await orgs.GetAsync(acmeAdmin, OrgIds.Default)).ShouldBeNull();
        (await orgs.UpdateAsync(acmeAdmin, "globex", new OrgPatchRequest("Hijacked", null, null))).ShouldBeNull();
        (await orgs.KillAsync(acmeAdmin, "globex", "x")).ShouldBeNull();
        (await server.Store.FindOrgAsync("globex"))!.Name.ShouldBe("Globex");
        acmeAdmin.IsInstallationAdmin.ShouldBeFalse();
    }
}
