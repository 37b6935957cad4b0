using Nightshift.Agent.Configuration;

namespace Nightshift.Agent.Tests.Configuration;

/// <summary>The <c>cache:</c> key of .nightshift.yml: the lock files that key the setup cache.</summary>
public sealed class RepoConfigCacheTests
{
    [Fact]
    public void Parse_NoCacheKey_LeavesTheWellKnownLockFilesToBeFound()
    {
        RepoConfigParser.Parse("setup: npm ci").Cache.ShouldBeNull();
    }

    [Theory]
    [InlineData("cache: package-lock.json", new[] { "package-lock.json" })]
    [InlineData("cache: [web/package-lock.json, api/go.sum]", new[] { "web/package-lock.json", "api/go.sum" })]
    [InlineData("cache:\n  - yarn.lock\n  - yarn.lock", new[] { "yarn.lock" })]
    [InlineData("cache: none", new string[0])]
    [InlineData("cache: []", new string[0])]
    public void Parse_CacheForms_ReadAsTheListOfFiles(string yaml, string[] expected)
    {
        RepoConfigParser.Parse(yaml).Cache.ShouldBe(expected);
    }

    [Theory]
    [InlineData("cache: ../outside.lock", "plain path inside the repository")]
    [InlineData("cache: /etc/passwd", "plain path inside the repository")]
    [InlineData("cache: [a/../../b]", "plain path inside the repository")]
    [InlineData("cache: [./x.lock]", "plain path inside the repository")]
    [InlineData("cache: ['a\\\\b']", "plain path inside the repository")]
    [InlineData("cache: {a: b}", "lock file path or a list")]
    [InlineData("cache: [[nested]]", "file path from the repository's root")]
    [InlineData("cache: ['']", "file path from the repository's root")]
    public void Parse_HostileOrMalformedCache_IsRefusedWithWhatToWrite(string yaml, string expected)
    {
        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml)).Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_OversizedCacheEntries_AreRefused()
    {
        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse("cache: " + new string('a', 301))).Message.ShouldContain("at most 300");
        var many = "cache: [" + string.Join(", ", Enumerable.Range(0, 51).Select(i => $"f{i}.lock")) + "]";
        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(many)).Message.ShouldContain("at most 50");
    }
}
