using Nightshift.Server.Hosting;
using Nightshift.Server.Oidc;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Oidc;

public sealed class OidcOptionsValidatorTests
{
    private static OidcOptions Valid() => new()
    {
        Authority = "https://login.example.com/realms/acme",
        ClientId = "nightshift",
        ClientSecret = "sk-test-secret",
        AdminValues = ["ns-admins"],
    };

    private static IReadOnlyList<string> Failures(OidcOptions options) =>
        new OidcOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_NothingSet_Passes()
    {
        Failures(new OidcOptions()).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_CompleteHttpsSettings_Pass()
    {
        Failures(Valid()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080/realms/dev")]
    [InlineData("http://[::1]:8080")]
    public void Validate_PlainHttpOnLoopback_Passes(string authority)
    {
        Failures(Valid().With(o => o.Authority = authority)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://login.example.com", "must be an https:// URL")]
    [InlineData("http://10.0.0.5", "must be an https:// URL")]
    [InlineData("ftp://login.example.com", "must be an https:// URL")]
    [InlineData("login.example.com", "not an absolute URL")]
    [InlineData("/realms/acme", "must be an https:// URL")]
    [InlineData("https://login.example.com/?x=1", "without user name, query or fragment")]
    [InlineData("https://user:pw@login.example.com", "without user name, query or fragment")]
    [InlineData("https://login.example.com/#frag", "without user name, query or fragment")]
    [InlineData("https://login.example.com/\nx", "not an absolute URL")]
    public void Validate_BadAuthority_FailsNamingTheSetting(string authority, string expected)
    {
        var failure = Failures(Valid().With(o => o.Authority = authority)).ShouldHaveSingleItem();

        failure.ShouldStartWith("Auth:Oidc:Authority ");
        failure.ShouldContain(expected);
        failure.ShouldContain("NIGHTSHIFT__Auth__Oidc__Authority");
    }

    [Fact]
    public void Validate_OversizedAuthority_Fails()
    {
        Failures(Valid().With(o => o.Authority = "https://login.example.com/" + new string('a', 2_100)))
            .ShouldHaveSingleItem().ShouldStartWith("Auth:Oidc:Authority ");
    }

    [Fact]
    public void Validate_AuthorityWithoutClientId_Fails()
    {
        Failures(Valid().With(o => o.ClientId = null)).ShouldHaveSingleItem().ShouldStartWith("Auth:Oidc:ClientId is not set");
    }

    [Fact]
    public void Validate_ClientIdWithoutAuthority_FailsSayingSignInIsOff()
    {
        var failure = Failures(new OidcOptions { ClientId = "nightshift" }).ShouldHaveSingleItem();

        failure.ShouldStartWith("Auth:Oidc:Authority is not set");
        failure.ShouldContain("sign-in is off");
    }

    [Fact]
    public void Validate_NoRoleMappingAndNoDefaultRole_FailsSayingNobodyCouldSignIn()
    {
        var failure = Failures(Valid().With(o => o.AdminValues = null)).ShouldHaveSingleItem();

        failure.ShouldContain("nobody could sign in");
    }

    [Fact]
    public void Validate_DefaultRoleNoneAndNoMapping_FailsSayingNobodyCouldSignIn()
    {
        Failures(Valid().With(o => { o.AdminValues = null; o.DefaultRole = "none"; })).ShouldHaveSingleItem().ShouldContain("nobody could sign in");
    }

    [Fact]
    public void Validate_DefaultRoleOnly_Passes()
    {
        Failures(Valid().With(o => { o.AdminValues = null; o.DefaultRole = "Viewer"; })).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_UnknownDefaultRole_Fails()
    {
        Failures(Valid().With(o => o.DefaultRole = "owner")).ShouldHaveSingleItem().ShouldStartWith("Auth:Oidc:DefaultRole is 'owner'");
    }

    [Fact]
    public void Validate_ValueMappedToTwoRoles_Fails()
    {
        Failures(Valid().With(o => o.ViewerValues = ["readers", "ns-admins"]))
            .ShouldHaveSingleItem().ShouldContain("'ns-admins', which Auth:Oidc:AdminValues has too");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("line\nbreak")]
    public void Validate_BlankOrMultiLineValue_Fails(string value)
    {
        Failures(Valid().With(o => o.MemberValues = [value])).ShouldHaveSingleItem().ShouldStartWith("Auth:Oidc:MemberValues has");
    }

    [Fact]
    public void Validate_TooManyValues_Fails()
    {
        Failures(Valid().With(o => o.MemberValues = [.. Enumerable.Range(0, 201).Select(i => $"g{i}")]))
            .ShouldHaveSingleItem().ShouldContain("at most 200");
    }

    [Theory]
    [InlineData(new[] { "profile", "email" }, "does not include 'openid'")]
    [InlineData(new[] { "openid", "two words" }, "not a scope name")]
    [InlineData(new[] { "openid", "" }, "not a scope name")]
    [InlineData(new[] { "openid", "quo\"te" }, "not a scope name")]
    public void Validate_BadScopes_Fail(string[] scopes, string expected)
    {
        Failures(Valid().With(o => o.Scopes = scopes)).ShouldHaveSingleItem().ShouldContain(expected);
    }

    [Theory]
    [InlineData("RoleClaim")]
    [InlineData("OrgClaim")]
    [InlineData("NameClaim")]
    public void Validate_MalformedClaimName_Fails(string setting)
    {
        var options = Valid();
        typeof(OidcOptions).GetProperty(setting)!.SetValue(options, "has spaces<script>");

        Failures(options).ShouldHaveSingleItem().ShouldStartWith($"Auth:Oidc:{setting} is 'has spaces<script>'");
    }

    [Fact]
    public void Validate_ControlCharactersInDisplayName_Fail()
    {
        Failures(Valid().With(o => o.DisplayName = "Acme\u0007SSO")).ShouldHaveSingleItem().ShouldStartWith("Auth:Oidc:DisplayName ");
    }

    [Fact]
    public async Task BuildServer_BadOidcSetting_StopsTheStartNamingTheSetting()
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"),
            """{"Auth":{"Oidc":{"Authority":"http://login.example.com","ClientId":"nightshift","DefaultRole":"viewer"}}}""");

        var failure = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        });

        failure.Message.ShouldContain("Auth:Oidc:Authority");
    }
}
