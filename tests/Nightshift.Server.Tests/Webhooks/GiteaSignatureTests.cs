using System.Text;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Tests.Webhooks;

public sealed class GiteaSignatureTests
{
    [Fact]
    public void Compute_Rfc4231Vector_IsTheBareLowercaseHexHmac()
    {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        GiteaSignature.Compute("Jefe", Encoding.ASCII.GetBytes("what do ya want for nothing?"))
            .ShouldBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Fact]
    public void IsValid_GitHubsPublishedVectorWithoutItsPrefix_IsValid()
    {
        // Gitea signs exactly as GitHub's X-Hub-Signature-256 does, without the "sha256=" prefix.
        GiteaSignature.IsValid("It's a Secret to Everybody", Encoding.UTF8.GetBytes("Hello, World!"), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
            .ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1z")]
    public void IsValid_WrongMissingOrMalformed_IsFalse(string? header)
    {
        GiteaSignature.IsValid("It's a Secret to Everybody", Encoding.UTF8.GetBytes("Hello, World!"), header).ShouldBeFalse();
    }
}
