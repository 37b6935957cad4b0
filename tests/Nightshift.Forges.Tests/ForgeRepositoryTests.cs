namespace Nightshift.Forges.Tests;

public sealed class ForgeRepositoryTests
{
    [Theory]
    [InlineData("https://github.com/acme/calc", "github.com", "acme", "calc")]
    [InlineData("https://GitHub.com/acme/calc.git", "github.com", "acme", "calc")]
    [InlineData("git@github.com:acme/calc.git", "github.com", "acme", "calc")]
    [InlineData("ssh://git@github.com/acme/calc.git", "github.com", "acme", "calc")]
    [InlineData("http://127.0.0.1:8080/acme/calc.git", "127.0.0.1:8080", "acme", "calc")]
    [InlineData("https://gitlab.example.com/group/sub/project", "gitlab.example.com", "group/sub", "project")]
    [InlineData("https://github.com:443/acme/calc/", "github.com", "acme", "calc")]
    public void TryParse_RemoteAddresses_GiveHostOwnerAndName(string address, string host, string owner, string name)
    {
        ForgeRepository.TryParse(address).ShouldBe(new ForgeRepository(host, owner, name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/srv/repos/calc")]
    [InlineData("file:///srv/repos/calc")]
    [InlineData("https://github.com/acme")]
    [InlineData("https://github.com/")]
    [InlineData("https://github.com/acme/.git")]
    [InlineData("https://github.com/acme/../calc")]
    [InlineData("https://github.com/acme/calc\n")]
    [InlineData("ftp://github.com/acme/calc")]
    public void TryParse_LocalOrMalformed_IsNull(string? address)
    {
        ForgeRepository.TryParse(address).ShouldBeNull();
    }

    [Fact]
    public void TryParse_Oversized_IsNull()
    {
        ForgeRepository.TryParse("https://github.com/acme/" + new string('a', 5_000)).ShouldBeNull();
    }
}
