using Nightshift.Sandbox.Internal;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests.Interception;

public sealed class CredentialOptionsValidationTests
{
    public static TheoryData<string, EgressCredentialOptions> Invalid() => new()
    {
        { "Credentials:0:Host '' is not a host name", new EgressCredentialOptions { Host = "", Value = "fake-value" } },
        { "Credentials:0:Host 'https://npm.example' is not a host name", new EgressCredentialOptions { Host = "https://npm.example", Value = "fake-value" } },
        { "Credentials:0:Host '*.example.org' is not a host name", new EgressCredentialOptions { Host = "*.example.org", Value = "fake-value" } },
        { "Credentials:0:Host 'npm.example:443' is not a host name", new EgressCredentialOptions { Host = "npm.example:443", Value = "fake-value" } },
        { "Credentials:0:Host", new EgressCredentialOptions { Host = new string('a', 300), Value = "fake-value" } },
        { "Credentials:0:Port is 0", new EgressCredentialOptions { Host = "npm.example", Port = 0, Value = "fake-value" } },
        { "Credentials:0:Port is 70000", new EgressCredentialOptions { Host = "npm.example", Port = 70000, Value = "fake-value" } },
        { "Credentials:0:Header 'X Api'", new EgressCredentialOptions { Host = "npm.example", Header = "X Api", Value = "fake-value" } },
        { "Credentials:0:Header 'Host'", new EgressCredentialOptions { Host = "npm.example", Header = "Host", Value = "fake-value" } },
        { "Credentials:0:Header 'Transfer-Encoding'", new EgressCredentialOptions { Host = "npm.example", Header = "transfer-encoding", Value = "fake-value" } },
        { "Credentials:0:Header ''", new EgressCredentialOptions { Host = "npm.example", Header = "", Value = "fake-value" } },
        { "Credentials:0:Scheme 'Digest' is not known", new EgressCredentialOptions { Host = "npm.example", Scheme = "Digest", Value = "fake-value" } },
        { "Credentials:0:Username is missing", new EgressCredentialOptions { Host = "npm.example", Scheme = "Basic", Value = "fake-value" } },
        { "Credentials:0:Username is set, but only a Basic credential", new EgressCredentialOptions { Host = "npm.example", Username = "me", Value = "fake-value" } },
        { "Credentials:0:Username holds a ':'", new EgressCredentialOptions { Host = "npm.example", Scheme = "Basic", Username = "me:you", Value = "fake-value" } },
        { "Credentials:0 needs exactly one of Value", new EgressCredentialOptions { Host = "npm.example" } },
        { "Credentials:0 needs exactly one of Value (the secret, from configuration or the environment) and Secret (the name of an organisation secret); it has both", new EgressCredentialOptions { Host = "npm.example", Value = "fake-value", Secret = "NPM_TOKEN" } },
        { "Credentials:0:Value holds a character", new EgressCredentialOptions { Host = "npm.example", Value = "fake\r\nX-Injected: 1" } },
        { "Credentials:0:Secret 'a b' is not a secret name", new EgressCredentialOptions { Host = "npm.example", Secret = "a b" } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadCredentialEntry_FailsNamingTheSettingAndTheFix(string expected, EgressCredentialOptions entry)
    {
        var result = new SandboxOptionsValidator().Validate(null, new SandboxOptions { Egress = new EgressOptions { Credentials = [entry] } });

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("Sandbox:Egress:" + expected);
    }

    [Fact]
    public void Validate_TwoCredentialsForOneHostAndPort_Fails()
    {
        var options = new SandboxOptions { Egress = new EgressOptions { Credentials = [new() { Host = "npm.example", Value = "fake-one" }, new() { Host = "NPM.example.", Value = "fake-two" }] } };

        new SandboxOptionsValidator().Validate(null, options).FailureMessage!.ShouldContain("Sandbox:Egress:Credentials:1 names NPM.example.:443 again");
    }

    [Fact]
    public void Validate_MissingEntry_Fails()
    {
        var options = new SandboxOptions { Egress = new EgressOptions { Credentials = [null!] } };

        new SandboxOptionsValidator().Validate(null, options).FailureMessage!.ShouldContain("Sandbox:Egress:Credentials:0 is empty");
    }

    [Fact]
    public void Validate_GoodCredentialsOfEveryScheme_Succeed()
    {
        var options = new SandboxOptions
        {
            Egress = new EgressOptions
            {
                Credentials =
                [
                    new() { Host = "npm.internal.example", Value = "fake-npm-token" },
                    new() { Host = "feed.example", Port = 8443, Scheme = "Basic", Username = "ci", Secret = "FEED_PASSWORD" },
                    new() { Host = "api.example", Header = "X-Api-Key", Scheme = "none", Value = "fake-key" },
                ],
            },
        };

        new SandboxOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("relative/ca", "Sandbox:Egress:CaFolder 'relative/ca' is not an absolute path")]
    public void Validate_RelativeCaFolder_Fails(string folder, string expected)
    {
        new SandboxOptionsValidator().Validate(null, new SandboxOptions { Egress = new EgressOptions { CaFolder = folder } }).FailureMessage!.ShouldContain(expected);
    }

    [Fact]
    public void Validate_UpstreamCaFileMissingOrNotPem_Fails()
    {
        using var folder = new TempFolder();
        var notPem = folder.File("roots.pem");
        File.WriteAllText(notPem, "this is not a certificate\n");

        new SandboxOptionsValidator().Validate(null, new SandboxOptions { Egress = new EgressOptions { UpstreamCaFile = folder.File("missing.pem") } })
            .FailureMessage!.ShouldContain("Sandbox:Egress:UpstreamCaFile '" + folder.File("missing.pem") + "' does not exist");
        new SandboxOptionsValidator().Validate(null, new SandboxOptions { Egress = new EgressOptions { UpstreamCaFile = notPem } })
            .FailureMessage!.ShouldContain("holds no PEM certificate");
    }

    [Theory]
    [InlineData("Bearer", null, "fake-token", "Bearer fake-token")]
    [InlineData("basic", "ci", "fake-password", "Basic Y2k6ZmFrZS1wYXNzd29yZA==")]
    [InlineData("none", null, "fake-raw", "fake-raw")]
    public void HeaderValue_EachScheme_IsTheWholeHeaderValue(string scheme, string? username, string value, string expected)
    {
        new EgressCredentialOptions { Host = "h.example", Scheme = scheme, Username = username }.HeaderValue(value).ShouldBe(expected);
    }
}
