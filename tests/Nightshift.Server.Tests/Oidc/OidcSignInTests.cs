using System.Net;
using Nightshift.Core.Teams;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Oidc;

namespace Nightshift.Server.Tests.Oidc;

/// <summary>Dashboard sign-in through OpenID Connect against a real identity provider on 127.0.0.1, with a cookie jar like a browser's.</summary>
public sealed class OidcSignInTests
{
    [Fact]
    public async Task SignIn_MappedMember_LandsSignedInOnTheBoard()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("alice-sub", "Alice Example", Roles: ["ns-members"]);
        using var browser = oidc.Browser();

        using var board = await OidcTestServer.SignInAndContinueAsync(browser);

        board.StatusCode.ShouldBe(HttpStatusCode.OK);
        board.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/");
        (await board.Content.ReadAsStringAsync()).ShouldContain("<h1>Board</h1>");
        oidc.Provider.TokensIssued.ShouldBe(1);
        oidc.Provider.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task SignIn_MappedViewer_TheSessionCarriesTheRoleAndCannotCancel()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("vera-sub", "Vera Viewer", Roles: ["ns-viewers"]);
        using var browser = oidc.Browser();
        using var board = await OidcTestServer.SignInAndContinueAsync(browser);
        var submitted = await oidc.Server.Store.SubmitAsync(new Nightshift.Core.Tasks.NewTask { Repo = "https://github.com/example/app", Instruction = "Fix the flaky test" }.Validated());
        var task = submitted.Task.Id;

        using var me = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync("/api/v1/me"));
        var form = await Teams.TeamSetup.AntiforgeryAsync(browser, $"/tasks/{task}");
        var page = await browser.GetStringAsync($"/tasks/{task}");
        using var cancel = await browser.PostAsync($"/tasks/{task}?handler=Cancel",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__antiforgery"] = form }));

        me.RootElement.GetProperty("role").GetString().ShouldBe("viewer");
        me.RootElement.GetProperty("via").GetString().ShouldBe("oidc");
        me.RootElement.GetProperty("userName").GetString().ShouldBe("Vera Viewer");
        page.ShouldNotContain("handler=Cancel");
        cancel.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await oidc.Server.Store.FindAsync(task))!.Status.ShouldBe(Nightshift.Core.Tasks.TaskState.Queued);
    }

    [Fact]
    public async Task SignIn_FirstAndLaterSignIns_CreateTheUserOnceAndFollowTheRoleClaims()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("bob-sub", "Bob Example", Roles: ["ns-viewers"]);

        using (var first = oidc.Browser())
        using (var board = await OidcTestServer.SignInAndContinueAsync(first))
        {
            board.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        var created = await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "bob-sub");
        created.ShouldNotBeNull();
        created.Role.ShouldBe(TeamRole.Viewer);
        created.OrgId.ShouldBe(OrgIds.Default);
        created.Name.ShouldBe("Bob Example");

        oidc.Provider.Identity = new TestIdentity("bob-sub", "Bob Example", Roles: ["ns-admins", "ns-viewers"]);
        using (var second = oidc.Browser())
        using (var board = await OidcTestServer.SignInAndContinueAsync(second))
        {
            board.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var users = (await oidc.Server.Store.ListUsersAsync(OrgIds.Default)).Where(u => u.OidcSubject == "bob-sub").ToList();
        users.Count.ShouldBe(1);
        users[0].Id.ShouldBe(created.Id);
        users[0].Role.ShouldBe(TeamRole.Admin);
        users[0].OidcIssuer.ShouldBe(oidc.Provider.Issuer);
    }

    [Fact]
    public async Task SignIn_GroupsClaimWhenNoRoleClaimIsConfigured_MapsTheGroup()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("carol-sub", "Carol", Groups: ["ns-members"]);
        using var browser = oidc.Browser();

        using var board = await OidcTestServer.SignInAndContinueAsync(browser);

        board.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "carol-sub"))!.Role.ShouldBe(TeamRole.Member);
    }

    [Fact]
    public async Task SignIn_LocalReturnUrl_ContinuesThere()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("dan-sub", "Dan", Roles: ["ns-members"]);
        using var browser = oidc.Browser();

        using var callback = await OidcTestServer.SignInAsync(browser, "/usage?days=7");

        OidcTestServer.ContinueTarget(await callback.Content.ReadAsStringAsync()).ShouldBe("/usage?days=7");
        callback.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("http:/evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task SignIn_ReturnUrlOffThisServer_IsIgnoredForTheBoard(string returnUrl)
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("eve-sub", "Eve", Roles: ["ns-members"]);
        using var browser = oidc.Browser();

        using var callback = await OidcTestServer.SignInAsync(browser, returnUrl);

        OidcTestServer.ContinueTarget(await callback.Content.ReadAsStringAsync()).ShouldBe("/");
    }

    [Fact]
    public async Task SignIn_OversizedReturnUrl_IsIgnoredForTheBoard()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("eve-sub", "Eve", Roles: ["ns-members"]);
        using var browser = oidc.Browser();

        using var callback = await OidcTestServer.SignInAsync(browser, "/" + new string('a', 2_100));

        OidcTestServer.ContinueTarget(await callback.Content.ReadAsStringAsync()).ShouldBe("/");
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("expired")]
    [InlineData("signature")]
    [InlineData("nonce")]
    [InlineData("state")]
    [InlineData("provider-error")]
    public async Task SignIn_AnswerThatDoesNotCheckOut_IsRefusedWithoutASession(string fault)
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("mallory-sub", "Mallory", Roles: ["ns-admins"]);
        oidc.Provider.Faults = fault switch
        {
            "audience" => new TestIdentityFaults(Audience: "some-other-client"),
            "issuer" => new TestIdentityFaults(Issuer: "http://127.0.0.1:1/other-issuer"),
            "expired" => new TestIdentityFaults(Expired: true),
            "signature" => new TestIdentityFaults(SignWithOtherKey: true),
            "nonce" => new TestIdentityFaults(Nonce: "not-the-nonce-that-was-sent"),
            "state" => new TestIdentityFaults(State: "not-the-state-that-was-sent"),
            _ => new TestIdentityFaults(Error: "access_denied"),
        };
        var cookies = new CookieContainer();
        using var browser = oidc.Browser(cookies);

        using var refused = await OidcTestServer.SignInAsync(browser);

        await OidcAssertions.ShouldBeRefusedAsync(refused, "failed");
        await OidcAssertions.ShouldNotBeSignedInAsync(browser);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "mallory-sub")).ShouldBeNull();
    }

    [Fact]
    public async Task SignIn_NoMappedValueAndNoDefaultRole_IsRefusedWithAPageSayingSo()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("frank-sub", "Frank", Roles: ["some-unrelated-group"]);
        using var browser = oidc.Browser();

        using var refused = await OidcTestServer.SignInAsync(browser);

        var html = await OidcAssertions.ShouldBeRefusedAsync(refused, "no-role");
        html.ShouldContain("none of your roles or groups gives you access");
        await OidcAssertions.ShouldNotBeSignedInAsync(browser);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "frank-sub")).ShouldBeNull();
    }

    [Fact]
    public async Task SignIn_NoMappedValueWithDefaultRole_SignsInWithTheDefaultRole()
    {
        await using var oidc = await OidcTestServer.StartAsync(new() { ["DefaultRole"] = "viewer" });
        oidc.Provider.Identity = new TestIdentity("gina-sub", "Gina");
        using var browser = oidc.Browser();

        using var board = await OidcTestServer.SignInAndContinueAsync(browser);

        board.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "gina-sub"))!.Role.ShouldBe(TeamRole.Viewer);
    }

    [Fact]
    public async Task SignIn_DisabledUser_IsRefused()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        oidc.Provider.Identity = new TestIdentity("hank-sub", "Hank", Roles: ["ns-members"]);
        var user = await oidc.Server.Store.CreateUserAsync(new NewTeamUser(OrgIds.Default, "Hank", TeamRole.Member, oidc.Provider.Issuer, "hank-sub"));
        await oidc.Server.Store.UpdateUserAsync(OrgIds.Default, user.Id, role: null, disabled: true);
        using var browser = oidc.Browser();

        using var refused = await OidcTestServer.SignInAsync(browser);

        (await OidcAssertions.ShouldBeRefusedAsync(refused, "disabled")).ShouldContain("disabled");
        await OidcAssertions.ShouldNotBeSignedInAsync(browser);
    }

    [Fact]
    public async Task SignIn_OrgClaimNamingAnOrganisation_CreatesTheUserThere()
    {
        await using var oidc = await OidcTestServer.StartAsync(new() { ["OrgClaim"] = "nightshift_org" });
        await oidc.Server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        oidc.Provider.Identity = new TestIdentity("ivy-sub", "Ivy", Roles: ["ns-members"], Claims: new Dictionary<string, object> { ["nightshift_org"] = "acme" });
        using var browser = oidc.Browser();

        using var board = await OidcTestServer.SignInAndContinueAsync(browser);

        board.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "ivy-sub"))!.OrgId.ShouldBe("acme");
    }

    [Theory]
    [InlineData("no-such-org")]
    [InlineData("Not A Slug!")]
    [InlineData("")]
    [InlineData(null)]
    public async Task SignIn_OrgClaimUnknownMalformedOrMissing_IsRefused(string? org)
    {
        await using var oidc = await OidcTestServer.StartAsync(new() { ["OrgClaim"] = "nightshift_org" });
        var claims = org is null ? null : new Dictionary<string, object> { ["nightshift_org"] = org };
        oidc.Provider.Identity = new TestIdentity("jack-sub", "Jack", Roles: ["ns-members"], Claims: claims);
        using var browser = oidc.Browser();

        using var refused = await OidcTestServer.SignInAsync(browser);

        await OidcAssertions.ShouldBeRefusedAsync(refused, "unknown-org");
        await OidcAssertions.ShouldNotBeSignedInAsync(browser);
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "jack-sub")).ShouldBeNull();
    }

    [Fact]
    public async Task SignIn_UserOfAnotherOrganisationThanTheClaimNames_IsRefused()
    {
        await using var oidc = await OidcTestServer.StartAsync(new() { ["OrgClaim"] = "nightshift_org" });
        await oidc.Server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        await oidc.Server.Store.CreateUserAsync(new NewTeamUser(OrgIds.Default, "Kim", TeamRole.Member, oidc.Provider.Issuer, "kim-sub"));
        oidc.Provider.Identity = new TestIdentity("kim-sub", "Kim", Roles: ["ns-admins"], Claims: new Dictionary<string, object> { ["nightshift_org"] = "acme" });
        using var browser = oidc.Browser();

        using var refused = await OidcTestServer.SignInAsync(browser);

        await OidcAssertions.ShouldBeRefusedAsync(refused, "other-org");
        (await oidc.Server.Store.FindUserByOidcAsync(oidc.Provider.Issuer, "kim-sub"))!.Role.ShouldBe(TeamRole.Member);
    }

    [Fact]
    public async Task Callback_ForgedOrMissingState_IsRefusedAndNoTokenIsAskedFor()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        using var browser = oidc.Browser();

        using var forged = await browser.GetAsync("/signin-oidc?code=abc&state=forged", TestKit.TestDefaults.TimeoutToken());
        using var bare = await browser.GetAsync("/signin-oidc", TestKit.TestDefaults.TimeoutToken());
        using var huge = await browser.GetAsync("/signin-oidc?code=abc&state=" + new string('A', 6_000), TestKit.TestDefaults.TimeoutToken());

        await OidcAssertions.ShouldBeRefusedAsync(forged, "failed");
        await OidcAssertions.ShouldBeRefusedAsync(bare, "failed");
        await OidcAssertions.ShouldBeRefusedAsync(huge, "failed");
        oidc.Provider.TokensIssued.ShouldBe(0);
        await OidcAssertions.ShouldNotBeSignedInAsync(browser);
    }

    [Fact]
    public async Task RefusedPage_UnknownOrHostileReason_ShowsTheGenericRefusalAndReflectsNothing()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        using var browser = oidc.Browser();

        using var response = await browser.GetAsync("/signin/oidc/refused?reason=%3Cscript%3Ealert(1)%3C/script%3E", TestKit.TestDefaults.TimeoutToken());

        var html = await OidcAssertions.ShouldBeRefusedAsync(response, "failed");
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("alert(1)");
    }

    [Fact]
    public async Task SignInPage_OidcConfigured_ShowsTheButtonWithTheDisplayName()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        using var browser = oidc.Browser();

        var html = await browser.GetStringAsync("/signin?returnUrl=%2Fusage", TestKit.TestDefaults.TimeoutToken());

        html.ShouldContain("Sign in with Test IdP");
        html.ShouldContain("href=\"/signin/oidc?returnUrl=%2Fusage\"");
    }

    [Fact]
    public async Task SignInRoutes_OidcNotConfigured_AreAbsentAndTheButtonHidden()
    {
        await using var server = await RunningServer.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Url) };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var page = await browser.GetStringAsync("/signin", TestKit.TestDefaults.TimeoutToken());
        using var challenge = await browser.GetAsync("/signin/oidc", TestKit.TestDefaults.TimeoutToken());
        using var callback = await browser.GetAsync("/signin-oidc?code=abc&state=xyz", TestKit.TestDefaults.TimeoutToken());

        page.ShouldNotContain("oidc-signin");
        // Neither is handled by anything public: the usual sign-in redirect of a page without a session, never a
        // challenge sending the browser to a provider.
        challenge.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        challenge.Headers.Location!.OriginalString.ShouldStartWith("/signin?");
        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        callback.Headers.Location!.OriginalString.ShouldStartWith("/signin");
    }

    [Fact]
    public async Task RemoteSignOutPaths_OidcConfigured_AreNotAnsweredByTheHandler()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(oidc.Server.Url) };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        using var remote = await browser.GetAsync("/signout-oidc", TestKit.TestDefaults.TimeoutToken());
        using var signedOut = await browser.GetAsync("/signout-callback-oidc", TestKit.TestDefaults.TimeoutToken());

        remote.Headers.Location!.OriginalString.ShouldStartWith("/signin");
        signedOut.Headers.Location!.OriginalString.ShouldStartWith("/signin");
    }

    [Fact]
    public async Task Challenge_RedirectsToTheProviderWithCodeFlowAndPkce()
    {
        await using var oidc = await OidcTestServer.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(oidc.Server.Url) };

        using var challenge = await browser.GetAsync("/signin/oidc?returnUrl=%2Fusage", TestKit.TestDefaults.TimeoutToken());

        challenge.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = challenge.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(oidc.Provider.Issuer + "/authorize");
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        query["response_type"].ShouldBe("code");
        query["code_challenge_method"].ShouldBe("S256");
        query["redirect_uri"].ShouldBe(oidc.Provider.RedirectUri);
        query["scope"].ShouldBe("openid profile email");
        query["client_secret"].ShouldBeNull();
        // The correlation and nonce cookies work over plain http on loopback and on a top-level return from the provider.
        var cookies = challenge.Headers.GetValues("Set-Cookie").ToList();
        cookies.ShouldNotBeEmpty();
        cookies.ShouldAllBe(c => c.Contains("samesite=lax", StringComparison.OrdinalIgnoreCase) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }
}
