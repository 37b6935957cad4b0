using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox.Tests;

public sealed class HostRuleTests
{
    [Theory]
    [InlineData("registry.example.org", "registry.example.org")]
    [InlineData("  Registry.Example.ORG.  ", "registry.example.org")]
    [InlineData("*.example.org", "*.example.org")]
    [InlineData("example.org:8443", "example.org:8443")]
    [InlineData("get,HEAD docs.example.org", "GET,HEAD docs.example.org")]
    [InlineData("HEAD,GET,GET docs.example.org:80", "GET,HEAD docs.example.org:80")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("*.ÉCOLE.example", "*.xn--cole-9oa.example")]
    [InlineData("localhost", "localhost")]
    public void Parse_ValidRule_IsNormalised(string text, string canonical)
    {
        HostRule.Parse(text).ToString().ShouldBe(canonical);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("*", "a bare '*' is never allowed")]
    [InlineData("*.com", "covers every name under the top-level domain 'com'")]
    [InlineData("*.", "is not a host name")]
    [InlineData("**.example.org", "has a '*' that is not a leading '*.'")]
    [InlineData("a.*.example.org", "has a '*' that is not a leading '*.'")]
    [InlineData("exa*mple.org", "has a '*' that is not a leading '*.'")]
    [InlineData("example.org:99999", "has the port '99999', which is not a number from 1 to 65535")]
    [InlineData("example.org:0", "has the port '0'")]
    [InlineData("example.org:", "has the port ''")]
    [InlineData("example.org:+80", "has the port '+80'")]
    [InlineData("example.org:080000", "has the port '080000'")]
    [InlineData("127.0.0.1", "is an address, not a name")]
    [InlineData("169.254.169.254:80", "is an address, not a name")]
    [InlineData("2130706433", "is an address, not a name")]
    [InlineData("0x7f.0x1", "is an address, not a name")]
    [InlineData("[::1]", "is an IPv6 address")]
    [InlineData("::1", "is an IPv6 address")]
    [InlineData("a..example.org", "is not a host name")]
    [InlineData(".example.org", "is not a host name")]
    [InlineData("-bad.example.org", "is not a valid host name")]
    [InlineData("bad-.example.org", "is not a valid host name")]
    [InlineData("under_score.example.org", "is not a valid host name")]
    [InlineData("exa mple.org", "names the method 'exa'")]
    [InlineData("GET HEAD example.org", "has more than one space")]
    [InlineData("CONNECT example.org", "names the method 'CONNECT'")]
    [InlineData("GET,,HEAD example.org", "names the method ''")]
    [InlineData("user@example.org", "is not a valid host name")]
    [InlineData("example.org/path", "is not a valid host name")]
    [InlineData("http://example.org", "has the port '//example.org'")]
    [InlineData("exa\u0000mple.org", "is not a valid host name")]
    public void TryParse_HostileOrMalformed_RefusedSayingWhatToWrite(string text, string error)
    {
        HostRule.TryParse(text, out var why).ShouldBeNull();
        why.ShouldNotBeNull().ShouldContain(error);
    }

    [Fact]
    public void TryParse_Oversized_Refused()
    {
        HostRule.TryParse(string.Join('.', Enumerable.Repeat("a", 200)), out var why).ShouldBeNull();
        why.ShouldNotBeNull().ShouldContain($"longer than {HostRule.MaxChars} characters");
        HostRule.TryParse(new string('a', 64) + ".example.org", out why).ShouldBeNull();
        why.ShouldNotBeNull().ShouldContain("is not a valid host name");
        HostRule.TryParse(string.Join('.', Enumerable.Repeat(new string('a', 63), 4)), out why).ShouldBeNull();
        why.ShouldNotBeNull().ShouldContain("host name");
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheRule()
    {
        Should.Throw<FormatException>(() => HostRule.Parse("*")).Message.ShouldStartWith("the host rule '*' has a '*'");
    }

    [Theory]
    [InlineData("registry.example.org", "registry.example.org", 443, "CONNECT", true)]
    [InlineData("registry.example.org", "REGISTRY.example.org.", 80, "GET", true)]
    [InlineData("registry.example.org", "registry.example.org", 8080, "GET", false)]
    [InlineData("registry.example.org", "x.registry.example.org", 443, "GET", false)]
    [InlineData("registry.example.org", "registry.example.org.evil.com", 443, "GET", false)]
    [InlineData("registry.example.org", "evilregistry.example.org", 443, "GET", false)]
    [InlineData("*.example.org", "a.example.org", 443, "GET", true)]
    [InlineData("*.example.org", "a.b.example.org", 443, "GET", true)]
    [InlineData("*.example.org", "example.org", 443, "GET", false)]
    [InlineData("*.example.org", "badexample.org", 443, "GET", false)]
    [InlineData("*.example.org", "a.example.org.evil.com", 443, "GET", false)]
    [InlineData("example.org:8443", "example.org", 8443, "GET", true)]
    [InlineData("example.org:8443", "example.org", 443, "GET", false)]
    [InlineData("GET,HEAD docs.example.org", "docs.example.org", 80, "GET", true)]
    [InlineData("GET,HEAD docs.example.org", "docs.example.org", 80, "POST", false)]
    [InlineData("GET,HEAD docs.example.org", "docs.example.org", 443, "CONNECT", true)]
    [InlineData("localhost", "127.0.0.1", 80, "GET", false)]
    [InlineData("*.example.org", "", 443, "GET", false)]
    public void Matches_Request_OnlyTheRulesHostPortAndMethods(string rule, string host, int port, string method, bool matches)
    {
        HostRule.Parse(rule).Matches(host, port, method).ShouldBe(matches);
    }

    [Theory]
    [InlineData("*.example.org", "a.example.org", true)]
    [InlineData("*.example.org", "*.a.example.org", true)]
    [InlineData("*.example.org", "*.example.org", true)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("a.example.org", "*.a.example.org", false)]
    [InlineData("a.example.org", "a.example.org:443", true)]
    [InlineData("a.example.org", "a.example.org:8080", false)]
    [InlineData("a.example.org:8080", "a.example.org", false)]
    [InlineData("GET a.example.org", "a.example.org", false)]
    [InlineData("GET,HEAD a.example.org", "GET a.example.org", true)]
    [InlineData("a.example.org", "POST a.example.org", true)]
    public void Covers_InnerRule_OnlyWhenEverythingItAllowsIsAllowed(string outer, string inner, bool covers)
    {
        HostRule.Parse(outer).Covers(HostRule.Parse(inner)).ShouldBe(covers);
    }

    [Fact]
    public void Presets_EveryName_HasValidRulesAndUnknownNamesAreSaid()
    {
        foreach (var name in HostPresets.Names)
        {
            HostPresets.Rules(name).ShouldNotBeNull().ShouldNotBeEmpty();
            HostPresets.WhyUnknown(name).ShouldBeNull();
        }
        HostPresets.Rules("npm").ShouldNotBeNull().Select(r => r.ToString()).ShouldBe(["registry.npmjs.org"]);
        HostPresets.Rules("pypi").ShouldNotBeNull().Select(r => r.ToString()).ShouldBe(["pypi.org", "files.pythonhosted.org"]);
        HostPresets.Rules("maven").ShouldBeNull();
        HostPresets.Rules(null).ShouldBeNull();
        HostPresets.WhyUnknown("maven").ShouldBe("'maven' is not a preset; the presets are npm, pypi, nuget, go, crates");
    }
}
