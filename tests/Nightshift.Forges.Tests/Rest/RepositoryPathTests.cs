using Nightshift.Core.Forges;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.Tests.Rest;

public sealed class RepositoryPathTests
{
    private static ForgeEndpoint Endpoint(string host = "gitlab.example.com", string api = "https://gitlab.example.com/api/v4") =>
        new("Forges:gitlab", ForgeKind.GitLab, host, new Uri(api), new StaticForgeToken("t"), [], []);

    [Theory]
    [InlineData("https://gitlab.example.com/acme/calc.git", "acme/calc")]
    [InlineData("https://gitlab.example.com/acme/calc", "acme/calc")]
    [InlineData("https://gitlab.example.com/acme/calc/", "acme/calc")]
    [InlineData("https://GitLab.Example.com/a/b/c/d/calc.git", "a/b/c/d/calc")]
    [InlineData("ssh://git@gitlab.example.com:2222/acme/calc.git", "acme/calc")]
    [InlineData("git@gitlab.example.com:acme/sub/calc.git", "acme/sub/calc")]
    [InlineData("https://user:secret@gitlab.example.com/acme/calc.git", "acme/calc")]
    [InlineData("https://gitlab.example.com/acme/caf%C3%A9.git", "acme/café")]
    public void Parse_RepositoryAddress_GivesTheProjectPath(string repo, string expected)
    {
        RepositoryPath.Parse(repo, Endpoint(), "GitLab").Path.ShouldBe(expected);
    }

    [Fact]
    public void Parse_EndpointWithPort_MatchesTheHostWithoutIt()
    {
        RepositoryPath.Parse("git@gitlab.example.com:acme/calc.git", Endpoint("gitlab.example.com:8443", "https://gitlab.example.com:8443/api/v4"), "GitLab")
            .Path.ShouldBe("acme/calc");
    }

    [Fact]
    public void Parse_ForgeServedUnderASubPath_DropsIt()
    {
        RepositoryPath.Parse("https://example.com/gitlab/acme/calc.git", Endpoint("example.com", "https://example.com/gitlab/api/v4"), "GitLab")
            .Path.ShouldBe("acme/calc");
    }

    [Theory]
    [InlineData("", "no repository address")]
    [InlineData("   ", "no repository address")]
    [InlineData("/srv/git/calc", "not a repository address")]
    [InlineData("file:///srv/git/calc", "not a repository address")]
    [InlineData("ftp://gitlab.example.com/acme/calc", "not a repository address")]
    [InlineData("C:\\repos\\calc", "not a repository address")]
    [InlineData("https://evil.example.com/acme/calc.git", "is on evil.example.com")]
    [InlineData("https://gitlab.example.com.evil.net/acme/calc.git", "is on gitlab.example.com.evil.net")]
    [InlineData("https://gitlab.example.com/calc.git", "does not name a project")]
    [InlineData("https://gitlab.example.com/acme/%2E%2E/calc.git", "does not name a project")]
    [InlineData("https://gitlab.example.com/acme/ca%0Alc.git", "does not name a project")]
    [InlineData("https://gitlab.example.com/acme/ca%25lc.git", "does not name a project")]
    public void Parse_AddressThatIsNotAProjectHere_ThrowsSayingWhat(string repo, string expected)
    {
        Should.Throw<ForgeException>(() => RepositoryPath.Parse(repo, Endpoint(), "GitLab")).Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_TooManyLevels_Throws()
    {
        var deep = "https://gitlab.example.com/" + string.Join('/', Enumerable.Range(0, 30).Select(i => $"g{i}"));

        Should.Throw<ForgeException>(() => RepositoryPath.Parse(deep, Endpoint(), "GitLab")).Message.ShouldContain("does not name a project");
    }

    [Fact]
    public void Parse_HugeSegment_ThrowsWithABoundedMessage()
    {
        var huge = "https://gitlab.example.com/acme/" + new string('a', 100_000);

        var error = Should.Throw<ForgeException>(() => RepositoryPath.Parse(huge, Endpoint(), "GitLab"));

        error.Message.Length.ShouldBeLessThan(1_000);
    }

    [Theory]
    [InlineData("https://user:hunter2@gitlab.example.com/acme/calc.git")]
    [InlineData("https://hunter2@elsewhere.example.com/acme/calc.git")]
    [InlineData("https://user:hunter2@elsewhere.example.com/acme/calc.git")]
    public void Parse_AddressWithACredential_NeverRepeatsItInAMessage(string repo)
    {
        var message = Should.Throw<ForgeException>(() => RepositoryPath.Parse(repo.Replace("/acme/calc.git", "/x", StringComparison.Ordinal), Endpoint(), "GitLab")).Message;

        message.ShouldNotContain("hunter2");
    }
}
