using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    /// <summary>Records holding lists compare their lists by reference; their JSON compares what they hold.</summary>
    protected static string Json(object? value) => System.Text.Json.JsonSerializer.Serialize(value);

    protected static byte[] TokenHash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    protected Task<Organisation> OrgAsync(string id, OrgQuotas? quotas = null) =>
        Store.CreateOrgAsync(new NewOrganisation(id, $"Org {id}", quotas));

    protected async Task<(TeamUser User, ApiTokenRecord Token)> UserWithTokenAsync(string orgId, TeamRole role = TeamRole.Admin, string token = "ns_test_0001")
    {
        var user = await Store.CreateUserAsync(new NewTeamUser(orgId, "Ada", role));
        var record = await Store.CreateTokenAsync(new NewApiToken(orgId, user.Id, "laptop", token[..7], TokenHash(token), [Scopes.TasksRead], null));
        return (user, record);
    }

    [StoreFact]
    public async Task Migrate_EmptyDatabase_HasTheDefaultOrganisationWithoutLimits()
    {
        var org = await Store.FindOrgAsync(OrgIds.Default);

        org.ShouldNotBeNull().Name.ShouldBe("Default");
        org.Quotas.ShouldBe(OrgQuotas.None);
        org.AllowedRepos.ShouldBeEmpty();
        (await Store.ListOrgsAsync()).Select(o => o.Id).ShouldBe([OrgIds.Default]);
    }

    [StoreFact]
    public async Task CreateOrg_WithQuotasAndRepos_IsStoredAndListed()
    {
        var quotas = new OrgQuotas(MaxRunning: 3, MaxRunningPerRepo: 1, MaxCostPerTaskUsd: 2.5m, MaxCostPerDayUsd: 40.125m, MaxCostPerMonthUsd: 900m);

        var created = await Store.CreateOrgAsync(new NewOrganisation("acme-labs", "  Acme Labs ", quotas, ["https://github.com/acme/*", " https://example.com/x/y ", "https://github.com/acme/*"]));

        created.Id.ShouldBe("acme-labs");
        created.Name.ShouldBe("Acme Labs");
        created.Quotas.ShouldBe(quotas);
        created.AllowedRepos.ShouldBe(["https://github.com/acme/*", "https://example.com/x/y"]);
        created.CreatedAt.ShouldBe(Clock.GetUtcNow());
        Json(await Store.FindOrgAsync("acme-labs")).ShouldBe(Json(created));
        (await Store.ListOrgsAsync()).Select(o => o.Id).ShouldContain("acme-labs");
    }

    [StoreFact]
    public async Task CreateOrg_IdTaken_IsAConflictAndKeepsTheFirst()
    {
        var first = await OrgAsync("acme");

        var error = await Should.ThrowAsync<ConflictException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Impostor")));
        await Should.ThrowAsync<ConflictException>(() => Store.CreateOrgAsync(new NewOrganisation(OrgIds.Default, "Again")));

        error.Field.ShouldBe("id");
        error.Message.ShouldContain("acme");
        Json(await Store.FindOrgAsync("acme")).ShouldBe(Json(first));
    }

    [StoreFact]
    public async Task CreateOrg_BadId_IsRefusedNamingTheField()
    {
        foreach (var id in new[] { "", "Acme", "-acme", "acme labs", "acme'; DROP TABLE orgs; --", new string('a', 41), "acme\n", "acme\u0000" })
        {
            var error = await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation(id, "Acme")));

            error.Errors.Keys.ShouldBe(["id"]);
            error.Message.ShouldNotContain("\n");
        }
        (await Store.ListOrgsAsync()).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task CreateOrg_HostileFields_AreRefusedNamingEach()
    {
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", new string('n', 101))))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "bell\u0007")))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "   ")))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", new OrgQuotas(MaxRunning: -1))))).Errors.Keys.ShouldBe(["maxRunning"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", new OrgQuotas(MaxRunningPerRepo: int.MaxValue))))).Errors.Keys.ShouldBe(["maxRunningPerRepo"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", new OrgQuotas(MaxCostPerDayUsd: -0.01m))))).Errors.Keys.ShouldBe(["maxCostPerDayUsd"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", new OrgQuotas(MaxCostPerMonthUsd: decimal.MaxValue))))).Errors.Keys.ShouldBe(["maxCostPerMonthUsd"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: ["https://github.com/*/app"])))).Errors.Keys.ShouldBe(["allowedRepos"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: ["*"])))).Errors.Keys.ShouldBe(["allowedRepos"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: ["https://x/a b"])))).Errors.Keys.ShouldBe(["allowedRepos"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: [""])))).Errors.Keys.ShouldBe(["allowedRepos"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: ["https://x/" + new string('r', 2_100)])))).Errors.Keys.ShouldBe(["allowedRepos"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", AllowedRepos: Enumerable.Range(0, 201).Select(i => $"https://x/r{i}").ToList())))).Errors.Keys.ShouldBe(["allowedRepos"]);

        (await Store.FindOrgAsync("acme")).ShouldBeNull();
    }

    [StoreFact]
    public async Task UpdateOrg_Patch_ChangesOnlyWhatIsGiven()
    {
        var org = await Store.CreateOrgAsync(new NewOrganisation("acme", "Acme", new OrgQuotas(MaxRunning: 2), ["https://github.com/acme/*"]));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var renamed = await Store.UpdateOrgAsync("acme", new OrganisationPatch(Name: "Acme Inc"));
        var limited = await Store.UpdateOrgAsync("acme", new OrganisationPatch(Quotas: new OrgQuotas(MaxCostPerDayUsd: 10m)));
        var opened = await Store.UpdateOrgAsync("acme", new OrganisationPatch(AllowedRepos: []));

        renamed.ShouldNotBeNull().Name.ShouldBe("Acme Inc");
        renamed.Quotas.ShouldBe(org.Quotas);
        renamed.AllowedRepos.ShouldBe(org.AllowedRepos);
        renamed.CreatedAt.ShouldBe(org.CreatedAt);
        renamed.UpdatedAt.ShouldBe(Clock.GetUtcNow());
        limited.ShouldNotBeNull().Quotas.ShouldBe(new OrgQuotas(MaxCostPerDayUsd: 10m), "quotas are replaced as a whole");
        limited.Name.ShouldBe("Acme Inc");
        opened.ShouldNotBeNull().AllowedRepos.ShouldBeEmpty();
        Json(await Store.FindOrgAsync("acme")).ShouldBe(Json(opened));
    }

    [StoreFact]
    public async Task UpdateOrg_MissingOrBadIdOrBadPatch_IsNullOrRefusedAndChangesNothing()
    {
        var org = await OrgAsync("acme");

        (await Store.UpdateOrgAsync("nobody", new OrganisationPatch(Name: "X"))).ShouldBeNull();
        (await Store.UpdateOrgAsync("ACME'--", new OrganisationPatch(Name: "X"))).ShouldBeNull();
        (await Should.ThrowAsync<ValidationException>(() => Store.UpdateOrgAsync("acme", new OrganisationPatch(Name: "")))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.UpdateOrgAsync("acme", new OrganisationPatch(Quotas: new OrgQuotas(MaxRunning: -5))))).Errors.Keys.ShouldBe(["maxRunning"]);

        Json(await Store.FindOrgAsync("acme")).ShouldBe(Json(org));
        (await Store.FindOrgAsync("nobody")).ShouldBeNull();
    }

    [StoreFact]
    public async Task CreateUser_InAnOrganisation_IsFoundOnlyThere()
    {
        await OrgAsync("acme");
        await OrgAsync("other");

        var user = await Store.CreateUserAsync(new NewTeamUser("acme", " Ada Lovelace ", TeamRole.Member));

        user.Id.ShouldStartWith("usr_");
        user.Id.Length.ShouldBe(28);
        user.Name.ShouldBe("Ada Lovelace");
        user.Role.ShouldBe(TeamRole.Member);
        user.CreatedAt.ShouldBe(Clock.GetUtcNow());
        user.DisabledAt.ShouldBeNull();
        (await Store.FindUserAsync("acme", user.Id)).ShouldBe(user);
        (await Store.FindUserAsync("other", user.Id)).ShouldBeNull("another organisation's user is as absent as a missing one");
        (await Store.ListUsersAsync("acme")).ShouldBe([user]);
        (await Store.ListUsersAsync("other")).ShouldBeEmpty();
        (await Store.FindUserAsync("acme", "usr_' OR '1'='1")).ShouldBeNull();
        (await Store.FindUserAsync("acme", "usr_000000000000000000000000")).ShouldBeNull();
    }

    [StoreFact]
    public async Task CreateUser_BadInput_IsRefusedNamingTheField()
    {
        await OrgAsync("acme");

        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("nobody", "Ada", TeamRole.Admin)))).Errors.Keys.ShouldBe(["orgId"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("Bad Org", "Ada", TeamRole.Admin)))).Errors.Keys.ShouldBe(["orgId"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("acme", new string('a', 101), TeamRole.Admin)))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("acme", "Ada\u001b[31m", TeamRole.Admin)))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("acme", "Ada", (TeamRole)42)))).Errors.Keys.ShouldBe(["role"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Admin, "https://id.example.com", null)))).Errors.Keys.ShouldBe(["oidcSubject"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Admin, "https://id.example.com", new string('s', 1_001))))).Errors.Keys.ShouldBe(["oidcSubject"]);

        (await Store.ListUsersAsync("acme")).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CreateUser_OidcIdentityTaken_IsAConflictInAnyOrganisation()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        var ada = await Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Admin, "https://id.example.com", "sub-1"));

        var error = await Should.ThrowAsync<ConflictException>(() => Store.CreateUserAsync(new NewTeamUser("other", "Eve", TeamRole.Admin, "https://id.example.com", "sub-1")));
        var bob = await Store.CreateUserAsync(new NewTeamUser("other", "Bob", TeamRole.Viewer, "https://id.example.com", "sub-2"));
        var tokenOnly = await Store.CreateUserAsync(new NewTeamUser("other", "Bot", TeamRole.Viewer));
        var tokenOnlyToo = await Store.CreateUserAsync(new NewTeamUser("other", "Bot 2", TeamRole.Viewer));

        error.Field.ShouldBe("oidcSubject");
        (await Store.FindUserByOidcAsync("https://id.example.com", "sub-1")).ShouldBe(ada);
        (await Store.FindUserByOidcAsync("https://id.example.com", "sub-2")).ShouldBe(bob);
        (await Store.FindUserByOidcAsync("https://id.example.com", "sub-3")).ShouldBeNull();
        (await Store.FindUserByOidcAsync("https://other.example.com", "sub-1")).ShouldBeNull();
        (await Store.FindUserByOidcAsync("", "")).ShouldBeNull();
        tokenOnly.OidcIssuer.ShouldBeNull();
        tokenOnlyToo.Id.ShouldNotBe(tokenOnly.Id);
        (await Store.ListUsersAsync("other")).Select(u => u.Name).ShouldBe(["Bob", "Bot", "Bot 2"]);
    }

    [StoreFact]
    public async Task UpdateUser_RoleAndDisable_ChangeOnlyInItsOrganisation()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        var user = await Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Viewer));

        (await Store.UpdateUserAsync("other", user.Id, TeamRole.Admin, null)).ShouldBeNull();
        var promoted = await Store.UpdateUserAsync("acme", user.Id, TeamRole.Admin, null);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var disabled = await Store.UpdateUserAsync("acme", user.Id, null, true);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await Store.UpdateUserAsync("acme", user.Id, null, true);
        var enabled = await Store.UpdateUserAsync("acme", user.Id, null, false);

        promoted.ShouldNotBeNull().Role.ShouldBe(TeamRole.Admin);
        disabled.ShouldNotBeNull().DisabledAt.ShouldBe(Clock.GetUtcNow().AddMinutes(-1));
        disabled.Role.ShouldBe(TeamRole.Admin);
        again.ShouldNotBeNull().DisabledAt.ShouldBe(disabled.DisabledAt, "disabling twice keeps the first time");
        enabled.ShouldNotBeNull().DisabledAt.ShouldBeNull();
        (await Store.UpdateUserAsync("acme", "usr_nonsense", TeamRole.Admin, null)).ShouldBeNull();
        await Should.ThrowAsync<ValidationException>(() => Store.UpdateUserAsync("acme", user.Id, (TeamRole)9, null));
    }

    [StoreFact]
    public async Task CreateToken_ForAUser_IsStoredHashedAndFoundByHash()
    {
        await OrgAsync("acme");
        var user = await Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Member));
        var expires = Clock.GetUtcNow().AddDays(30);

        var token = await Store.CreateTokenAsync(new NewApiToken(
            "acme", user.Id, " ci ", "ns_AbCd", TokenHash("ns_test_secret_one"), [Scopes.TasksWrite, Scopes.TasksRead, Scopes.TasksRead], expires));

        token.Id.ShouldStartWith("tok_");
        token.Id.Length.ShouldBe(28);
        token.OrgId.ShouldBe("acme");
        token.UserId.ShouldBe(user.Id);
        token.Name.ShouldBe("ci");
        token.Hint.ShouldBe("ns_AbCd");
        token.Scopes.ShouldBe([Scopes.TasksRead, Scopes.TasksWrite], "each once, in the documented order");
        token.ExpiresAt.ShouldBe(expires);
        token.RevokedAt.ShouldBeNull();
        token.LastUsedAt.ShouldBeNull();
        token.IsUsableAt(Clock.GetUtcNow()).ShouldBeTrue();
        Json(await Store.FindTokenByHashAsync(TokenHash("ns_test_secret_one"))).ShouldBe(Json(token));
        (await Store.FindTokenByHashAsync(TokenHash("ns_test_secret_two"))).ShouldBeNull();
        (await Store.FindTokenByHashAsync([1, 2, 3])).ShouldBeNull();
        var stored = Convert.ToString(await RawScalarAsync("SELECT hash FROM api_tokens"), CultureInfo.InvariantCulture);
        stored.ShouldBe(Convert.ToHexStringLower(TokenHash("ns_test_secret_one")));
        var everything = Convert.ToString(await RawScalarAsync("SELECT id || name || hint || scopes || hash FROM api_tokens"), CultureInfo.InvariantCulture);
        everything.ShouldNotBeNull().ShouldNotContain("ns_test_secret_one");
    }

    [StoreFact]
    public async Task CreateToken_BadInput_IsRefusedNamingTheField()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        var viewer = await Store.CreateUserAsync(new NewTeamUser("acme", "Vic", TeamRole.Viewer));
        var stranger = await Store.CreateUserAsync(new NewTeamUser("other", "Eve", TeamRole.Admin));
        var gone = await Store.CreateUserAsync(new NewTeamUser("acme", "Gone", TeamRole.Admin));
        await Store.UpdateUserAsync("acme", gone.Id, null, true);
        NewApiToken Good() => new("acme", viewer.Id, "ci", "ns_AbCd", TokenHash("ns_test_x"), [Scopes.TasksRead], null);

        async Task Refused(NewApiToken token, string field) =>
            (await Should.ThrowAsync<ValidationException>(() => Store.CreateTokenAsync(token))).Errors.Keys.ShouldBe([field]);

        await Refused(Good() with { Scopes = [Scopes.TasksWrite] }, "scopes");
        await Refused(Good() with { Scopes = [Scopes.Admin] }, "scopes");
        await Refused(Good() with { Scopes = ["tasks:*"] }, "scopes");
        await Refused(Good() with { Scopes = ["TASKS:READ"] }, "scopes");
        await Refused(Good() with { Scopes = [] }, "scopes");
        await Refused(Good() with { UserId = stranger.Id }, "userId");
        await Refused(Good() with { UserId = "usr_' OR 1=1 --" }, "userId");
        await Refused(Good() with { UserId = gone.Id }, "userId");
        await Refused(Good() with { OrgId = "Nope!" }, "orgId");
        await Refused(Good() with { Name = "" }, "name");
        await Refused(Good() with { Name = new string('n', 101) }, "name");
        await Refused(Good() with { Name = "line\nbreak" }, "name");
        await Refused(Good() with { Hint = "" }, "hint");
        await Refused(Good() with { Hint = "ns_ thing" }, "hint");
        await Refused(Good() with { Hint = new string('h', 25) }, "hint");
        await Refused(Good() with { Hash = new byte[16] }, "hash");
        await Refused(Good() with { ExpiresAt = Clock.GetUtcNow() }, "expiresAt");

        (await Store.ListTokensAsync("acme", null)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CreateToken_HashTaken_IsAConflict()
    {
        await OrgAsync("acme");
        var (user, first) = await UserWithTokenAsync("acme", token: "ns_test_same");

        await Should.ThrowAsync<ConflictException>(() => Store.CreateTokenAsync(new NewApiToken("acme", user.Id, "again", "ns_test", TokenHash("ns_test_same"), [Scopes.TasksRead], null)));

        Json(await Store.ListTokensAsync("acme", null)).ShouldBe(Json(new[] { first }));
    }

    [StoreFact]
    public async Task ListTokens_ByOrganisationAndUser_SeesOnlyThose()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        var (ada, adaToken) = await UserWithTokenAsync("acme", token: "ns_test_ada");
        var (bob, bobToken) = await UserWithTokenAsync("acme", TeamRole.Viewer, "ns_test_bob");
        var (_, strangerToken) = await UserWithTokenAsync("other", token: "ns_test_eve");

        Json(await Store.ListTokensAsync("acme", null)).ShouldBe(Json(new[] { adaToken, bobToken }));
        Json(await Store.ListTokensAsync("acme", bob.Id)).ShouldBe(Json(new[] { bobToken }));
        (await Store.ListTokensAsync("other", ada.Id)).ShouldBeEmpty();
        Json(await Store.ListTokensAsync("other", null)).ShouldBe(Json(new[] { strangerToken }));
        (await Store.ListTokensAsync("nobody", null)).ShouldBeEmpty();
        (await Store.ListTokensAsync("acme", "'; --")).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task RevokeToken_InItsOrganisation_IsRefusedThereafterAndIdempotent()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        var (_, token) = await UserWithTokenAsync("acme");

        (await Store.RevokeTokenAsync("other", token.Id)).ShouldBeNull("another organisation's token is as absent as a missing one");
        (await Store.FindTokenByHashAsync(TokenHash("ns_test_0001"))).ShouldNotBeNull().RevokedAt.ShouldBeNull();
        var revoked = await Store.RevokeTokenAsync("acme", token.Id);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await Store.RevokeTokenAsync("acme", token.Id);

        revoked.ShouldNotBeNull().RevokedAt.ShouldBe(Clock.GetUtcNow().AddMinutes(-5));
        revoked.IsUsableAt(Clock.GetUtcNow()).ShouldBeFalse();
        Json(again).ShouldBe(Json(revoked));
        Json(await Store.FindTokenByHashAsync(TokenHash("ns_test_0001"))).ShouldBe(Json(revoked));
        (await Store.RevokeTokenAsync("acme", "tok_000000000000000000000000")).ShouldBeNull();
        (await Store.RevokeTokenAsync("acme", "tok_' OR ''='")).ShouldBeNull();
    }

    [StoreFact]
    public async Task TouchToken_Often_WritesAtMostOnceAMinute()
    {
        await OrgAsync("acme");
        var (_, token) = await UserWithTokenAsync("acme");
        var first = Clock.GetUtcNow();

        await Store.TouchTokenAsync(token.Id, first);
        await Store.TouchTokenAsync(token.Id, first.AddSeconds(30));
        var afterHalfAMinute = await Store.FindTokenByHashAsync(TokenHash("ns_test_0001"));
        await Store.TouchTokenAsync(token.Id, first.AddSeconds(61));
        var afterAMinute = await Store.FindTokenByHashAsync(TokenHash("ns_test_0001"));
        await Store.TouchTokenAsync(token.Id, first.AddSeconds(-600));
        await Store.TouchTokenAsync("tok_junk", first.AddDays(1));

        afterHalfAMinute.ShouldNotBeNull().LastUsedAt.ShouldBe(first);
        afterAMinute.ShouldNotBeNull().LastUsedAt.ShouldBe(first.AddSeconds(61));
        (await Store.FindTokenByHashAsync(TokenHash("ns_test_0001")))!.LastUsedAt.ShouldBe(first.AddSeconds(61), "an older use never moves it back");
    }

    [StoreFact]
    public async Task TokenIsUsableAt_ExpiredToken_IsNot()
    {
        await OrgAsync("acme");
        var user = await Store.CreateUserAsync(new NewTeamUser("acme", "Ada", TeamRole.Admin));
        var token = await Store.CreateTokenAsync(new NewApiToken("acme", user.Id, "short", "ns_test", TokenHash("ns_test_short"), [Scopes.Admin], Clock.GetUtcNow().AddHours(1)));

        Clock.Advance(TimeSpan.FromHours(1));

        var found = await Store.FindTokenByHashAsync(TokenHash("ns_test_short"));
        Json(found).ShouldBe(Json(token), "the lookup returns the token whatever its state");
        found!.IsUsableAt(Clock.GetUtcNow()).ShouldBeFalse();
    }
}
