using System.Net;
using System.Net.Http.Json;
using Nightshift.Core.Configuration;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

/// <summary>Tokens are checked against the store: revoked, expired, unknown and disabled users' tokens are refused.</summary>
public sealed class TokenAuthenticationTests
{
    [Fact]
    public async Task Start_FirstStart_RegistersTheServerTokenAsTheFirstAdminsWithEveryScope()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync("/api/v1/me");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = await ApiCalls.ReadJsonAsync(response);
        me.GetProperty("orgId").GetString().ShouldBe(OrgIds.Default);
        me.GetProperty("userName").GetString().ShouldBe(BootstrapAdmin.UserName);
        me.GetProperty("role").GetString().ShouldBe("admin");
        me.GetProperty("via").GetString().ShouldBe("token");
        me.GetProperty("tokenId").GetString()!.ShouldStartWith("tok_");
        me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ShouldBe(["admin"]);
        var users = await server.Store.ListUsersAsync(OrgIds.Default);
        users.Count(u => u.Name == BootstrapAdmin.UserName).ShouldBe(1);
    }

    [Fact]
    public async Task Start_Restarted_KeepsOneAdminAndOneLiveServerToken()
    {
        using var data = new TempDirectory();
        await using (await RunningServer.StartAsync(dataDirectory: data.Path))
        {
        }
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);

        var admins = (await server.Store.ListUsersAsync(OrgIds.Default)).Where(u => u.Name == BootstrapAdmin.UserName).ToList();
        admins.Count.ShouldBe(1);
        var tokens = await server.Store.ListTokensAsync(OrgIds.Default, admins[0].Id);
        tokens.Count(t => t.RevokedAt is null).ShouldBe(1);
        (await server.Client.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_TokenChanged_RevokesThePreviousServerToken()
    {
        using var data = new TempDirectory();
        await using (await RunningServer.StartAsync(dataDirectory: data.Path))
        {
        }
        var generated = File.ReadAllText(NightshiftPaths.TokenFile(data.Path)).Trim();
        const string configured = "ns_test-a-configured-token-of-some-length";

        await using var server = await RunningServer.StartAsync(o => o.Token = configured, dataDirectory: data.Path);
        using var old = server.CreateClient(generated);
        using var refused = await old.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(refused, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("revoked");
        using var configuredClient = server.CreateClient(configured);
        (await configuredClient.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Request_RevokedToken_IsRefusedAtOnceSayingRevoked()
    {
        await using var server = await RunningServer.StartAsync();
        var member = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member);
        using var client = server.CreateClient(member.Token);
        (await client.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await server.Store.RevokeTokenAsync(OrgIds.Default, member.Record.Id);
        TeamSetup.ForgetCached(server);
        using var response = await client.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("revoked");
        problem.GetProperty("detail").GetString()!.ShouldNotContain(member.User.Name);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task Request_ExpiredToken_IsRefusedSayingExpired()
    {
        await using var server = await RunningServer.StartAsync();
        // The store refuses a token that is already expired, so this one expires a moment after it is made.
        var expires = DateTimeOffset.UtcNow.AddSeconds(2);
        var member = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member, expiresAt: expires);
        var lasting = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member, expiresAt: DateTimeOffset.UtcNow.AddDays(1));
        using var client = server.CreateClient(member.Token);
        using var other = server.CreateClient(lasting.Token);
        await TestKit.TestDefaults.WaitUntilAsync(() => DateTimeOffset.UtcNow > expires.AddMilliseconds(50), "the token's expiry passes");
        (await other.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var response = await client.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("expired");
        problem.GetProperty("detail").GetString()!.ShouldNotContain(member.User.Name);
    }

    [Fact]
    public async Task Request_DisabledUsersToken_IsRefusedWithoutNamingTheUser()
    {
        await using var server = await RunningServer.StartAsync();
        var member = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member, name: "carol-the-tester");
        using var client = server.CreateClient(member.Token);
        (await client.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await server.Store.UpdateUserAsync(OrgIds.Default, member.User.Id, role: null, disabled: true);
        TeamSetup.ForgetCached(server);
        using var response = await client.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("disabled");
        problem.GetProperty("detail").GetString()!.ShouldNotContain("carol");
    }

    [Fact]
    public async Task Request_RoleLoweredAfterTheTokenWasMade_LosesTheScopesTheRoleNoLongerGrants()
    {
        await using var server = await RunningServer.StartAsync();
        var member = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member);
        using var client = server.CreateClient(member.Token);

        await server.Store.UpdateUserAsync(OrgIds.Default, member.User.Id, TeamRole.Viewer, disabled: null);
        TeamSetup.ForgetCached(server);
        using var submit = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Fix it" });
        using var me = await client.GetAsync("/api/v1/me");

        var problem = await ApiCalls.ShouldBeProblemAsync(submit, HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString()!.ShouldContain(Scopes.TasksWrite);
        var scopes = (await ApiCalls.ReadJsonAsync(me)).GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ToList();
        scopes.ShouldBe([Scopes.TasksRead, Scopes.UsageRead]);
    }

    [Fact]
    public async Task Request_TokenWithFewerScopesThanTheRole_GetsOnlyTheTokens()
    {
        await using var server = await RunningServer.StartAsync();
        var admin = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Admin, scopes: [Scopes.TasksRead]);
        using var client = server.CreateClient(admin.Token);

        using var read = await client.GetAsync("/api/v1/tasks");
        using var usage = await client.GetAsync("/api/v1/usage");

        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        var problem = await ApiCalls.ShouldBeProblemAsync(usage, HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString()!.ShouldContain(Scopes.UsageRead);
    }

    [Theory]
    [InlineData("ns_testnot-a-real-token-at-all-000000000")]
    [InlineData("x")]
    [InlineData("ns_test-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public async Task Request_UnknownToken_IsRefusedSayingUnknown(string token)
    {
        await using var server = await RunningServer.StartAsync();
        using var client = server.CreateClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);

        using var response = await client.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("not one this server knows");
    }

    [Fact]
    public async Task Request_OversizedToken_IsRefusedWithoutALookup()
    {
        await using var server = await RunningServer.StartAsync();
        using var client = server.CreateClient(new string('a', 5_000));

        using var response = await client.GetAsync("/api/v1/tasks");

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Request_NoToken_IsRefusedSayingHowToSendOne()
    {
        await using var server = await RunningServer.StartAsync();
        using var client = server.CreateClient(null);

        using var response = await client.GetAsync("/api/v1/me");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("Authorization: Bearer");
    }

    [Fact]
    public async Task Session_OfADisabledUser_IsRefused()
    {
        await using var server = await RunningServer.StartAsync();
        var member = await TeamSetup.MemberAsync(server.Store, OrgIds.Default, TeamRole.Member);
        var cookie = await TeamSetup.SessionCookieAsync(server, member.User);
        using var client = server.CreateClient(null);
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        (await client.GetAsync("/api/v1/tasks")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await server.Store.UpdateUserAsync(OrgIds.Default, member.User.Id, role: null, disabled: true);
        TeamSetup.ForgetCached(server);
        using var api = await client.GetAsync("/api/v1/tasks");
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Add("Accept", "text/html");
        using var board = await client.SendAsync(page);

        var problem = await ApiCalls.ShouldBeProblemAsync(api, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("sign in again");
        board.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe(SignInLink.Path);
    }

    [Fact]
    public async Task Session_SignedInWithAViewersToken_IsThatViewerInItsOrganisation()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme");
        var viewer = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer);
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(server.Url), Timeout = TestKit.TestDefaults.Timeout };
        var form = await TeamSetup.AntiforgeryAsync(browser, SignInLink.Path);

        using var signIn = await browser.PostAsync(SignInLink.Path, new FormUrlEncodedContent(
            new Dictionary<string, string> { ["token"] = viewer.Token, ["__antiforgery"] = form }));
        using var me = await browser.GetAsync("/api/v1/me");

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var body = await ApiCalls.ReadJsonAsync(me);
        body.GetProperty("orgId").GetString().ShouldBe("acme");
        body.GetProperty("userId").GetString().ShouldBe(viewer.User.Id);
        body.GetProperty("role").GetString().ShouldBe("viewer");
        body.GetProperty("via").GetString().ShouldBe("session");
        body.GetProperty("tokenId").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Session_ForgedOrTamperedCookie_IsNoSession()
    {
        await using var server = await RunningServer.StartAsync();
        var cookie = await TeamSetup.SessionCookieAsync(server);
        var tampered = cookie[..^3] + (cookie[^3] == 'A' ? "B" : "A") + cookie[^2..];
        using var client = server.CreateClient(null);
        client.DefaultRequestHeaders.Add("Cookie", tampered);

        using var response = await client.GetAsync("/api/v1/tasks");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
