using System.Security.Claims;
using Nightshift.Core.Teams;
using Nightshift.Server.Oidc;

namespace Nightshift.Server.Tests.Oidc;

public sealed class OidcClaimsTests
{
    private const string Issuer = "https://login.example.com";

    private static OidcOptions Options() => new()
    {
        Authority = Issuer,
        ClientId = "nightshift",
        AdminValues = ["ns-admins"],
        MemberValues = ["ns-members"],
        ViewerValues = ["ns-viewers"],
    };

    private static List<Claim> Claims(params (string Type, string Value)[] claims) =>
        [new Claim("iss", Issuer, null, Issuer), new Claim("sub", "sub-1", null, Issuer), .. claims.Select(c => new Claim(c.Type, c.Value, null, Issuer))];

    [Fact]
    public void TryRead_SeveralMappedValues_TakesTheHighestRole()
    {
        var identity = OidcClaims.TryRead(Claims(("roles", "ns-viewers"), ("roles", "ns-admins"), ("roles", "ns-members")), Options(), out _);

        identity.ShouldNotBeNull();
        identity.Role.ShouldBe(TeamRole.Admin);
        identity.Issuer.ShouldBe(Issuer);
        identity.Subject.ShouldBe("sub-1");
        identity.OrgId.ShouldBe(OrgIds.Default);
    }

    [Fact]
    public void TryRead_NoRoleClaimConfigured_ReadsGroupsToo()
    {
        OidcClaims.TryRead(Claims(("groups", "ns-members")), Options(), out _)!.Role.ShouldBe(TeamRole.Member);
    }

    [Fact]
    public void TryRead_RoleClaimConfigured_ReadsOnlyThatClaim()
    {
        var options = Options().With(o => o.RoleClaim = "groups");

        OidcClaims.TryRead(Claims(("roles", "ns-admins"), ("groups", "ns-viewers")), options, out _)!.Role.ShouldBe(TeamRole.Viewer);
        OidcClaims.TryRead(Claims(("roles", "ns-admins")), options, out var refusal).ShouldBeNull();
        refusal.ShouldBe(OidcRefusal.NoRole);
    }

    [Fact]
    public void TryRead_ValuesDifferingInCase_AreNotMapped()
    {
        OidcClaims.TryRead(Claims(("roles", "NS-ADMINS")), Options(), out var refusal).ShouldBeNull();

        refusal.ShouldBe(OidcRefusal.NoRole);
    }

    [Fact]
    public void TryRead_NoMappedValueWithDefaultRole_TakesTheDefault()
    {
        OidcClaims.TryRead(Claims(("roles", "other")), Options().With(o => o.DefaultRole = "member"), out _)!.Role.ShouldBe(TeamRole.Member);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public void TryRead_NoMappedValueWithoutDefaultRole_IsRefused(string? defaultRole)
    {
        OidcClaims.TryRead(Claims(("roles", "other")), Options().With(o => o.DefaultRole = defaultRole), out var refusal).ShouldBeNull();

        refusal.ShouldBe(OidcRefusal.NoRole);
    }

    [Fact]
    public void TryRead_NoSubject_IsRefused()
    {
        var claims = Claims(("roles", "ns-admins")).Where(c => c.Type != "sub").ToList();

        OidcClaims.TryRead(claims, Options(), out var refusal).ShouldBeNull();

        refusal.ShouldBe(OidcRefusal.NoSubject);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(10_000)]
    public void TryRead_OversizedSubject_IsRefused(int length)
    {
        var claims = Claims(("roles", "ns-admins")).Where(c => c.Type != "sub").Append(new Claim("sub", new string('s', length))).ToList();

        OidcClaims.TryRead(claims, Options(), out var refusal).ShouldBeNull();

        refusal.ShouldBe(OidcRefusal.NoSubject);
    }

    [Fact]
    public void TryRead_OrgClaim_NamesTheOrganisation()
    {
        OidcClaims.TryRead(Claims(("roles", "ns-members"), ("org", "acme")), Options().With(o => o.OrgClaim = "org"), out _)!.OrgId.ShouldBe("acme");
    }

    [Theory]
    [InlineData("")]
    [InlineData("ACME")]
    [InlineData("acme/../default")]
    [InlineData("acme,globex")]
    public void TryRead_OrgClaimMissingMalformedOrAmbiguous_IsRefused(string orgs)
    {
        var claims = Claims([("roles", "ns-members"), .. orgs.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(o => ("org", o))]);

        OidcClaims.TryRead(claims, Options().With(o => o.OrgClaim = "org"), out var refusal).ShouldBeNull();

        refusal.ShouldBe(OidcRefusal.UnknownOrg);
    }

    [Fact]
    public void TryRead_NoNameClaimConfigured_FallsBackFromNameToPreferredUsernameToEmailToSubject()
    {
        var options = Options();

        OidcClaims.TryRead(Claims(("roles", "ns-members"), ("email", "a@example.com"), ("preferred_username", "al"), ("name", "Al B")), options, out _)!.Name.ShouldBe("Al B");
        OidcClaims.TryRead(Claims(("roles", "ns-members"), ("email", "a@example.com"), ("preferred_username", "al")), options, out _)!.Name.ShouldBe("al");
        OidcClaims.TryRead(Claims(("roles", "ns-members"), ("email", "a@example.com")), options, out _)!.Name.ShouldBe("a@example.com");
        OidcClaims.TryRead(Claims(("roles", "ns-members")), options, out _)!.Name.ShouldBe("sub-1");
    }

    [Fact]
    public void TryRead_NameClaimConfigured_ReadsThatClaim()
    {
        OidcClaims.TryRead(Claims(("roles", "ns-members"), ("name", "Al"), ("upn", "al@corp")), Options().With(o => o.NameClaim = "upn"), out _)!
            .Name.ShouldBe("al@corp");
    }

    [Fact]
    public void TryRead_HostileName_IsCleanedAndCut()
    {
        var name = "Al\u0000\r\n<b>" + new string('x', 300) + "\U0001F600";

        var read = OidcClaims.TryRead(Claims(("roles", "ns-members"), ("name", name)), Options(), out _)!.Name;

        read.Length.ShouldBeLessThanOrEqualTo(Storage.Teams.TeamUser.MaxNameLength);
        read.ShouldStartWith("Al<b>");
        read.Any(char.IsControl).ShouldBeFalse();
    }

    [Fact]
    public void TryRead_NameCutInsideASurrogatePair_KeepsTheWholeCharacterOut()
    {
        var name = new string('x', Storage.Teams.TeamUser.MaxNameLength - 1) + "\U0001F600";

        var read = OidcClaims.TryRead(Claims(("roles", "ns-members"), ("name", name)), Options(), out _)!.Name;

        read.ShouldBe(new string('x', Storage.Teams.TeamUser.MaxNameLength - 1));
    }

    [Fact]
    public void Refusals_EveryCode_RoundTripsAndUnknownCodesReadAsFailed()
    {
        foreach (var refusal in Enum.GetValues<OidcRefusal>())
        {
            OidcRefusals.FromCode(refusal.Code()).ShouldBe(refusal);
            refusal.Explain("Acme SSO").ShouldNotBeNullOrWhiteSpace();
        }
        OidcRefusals.FromCode("<script>").ShouldBe(OidcRefusal.Failed);
        OidcRefusals.FromCode(null).ShouldBe(OidcRefusal.Failed);
    }
}
