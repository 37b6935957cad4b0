using System.Text;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>X-Hub-Signature-256 against the test vector GitHub publishes in its webhook documentation.</summary>
public sealed class GitHubSignatureTests
{
    private const string VectorSecret = "It's a Secret to Everybody";
    private const string VectorPayload = "Hello, World!";
    private const string VectorSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void Compute_PublishedTestVector_IsGitHubsSignature() =>
        GitHubSignature.Compute(VectorSecret, Encoding.UTF8.GetBytes(VectorPayload)).ShouldBe(VectorSignature);

    [Fact]
    public void IsValid_PublishedTestVector_IsAccepted() =>
        GitHubSignature.IsValid(VectorSecret, Encoding.UTF8.GetBytes(VectorPayload), VectorSignature).ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 ")]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void IsValid_MissingMalformedOrWrongHeader_IsRefused(string? header) =>
        GitHubSignature.IsValid(VectorSecret, Encoding.UTF8.GetBytes(VectorPayload), header).ShouldBeFalse();

    [Fact]
    public void IsValid_TamperedPayload_IsRefused() =>
        GitHubSignature.IsValid(VectorSecret, Encoding.UTF8.GetBytes("Hello, World?"), VectorSignature).ShouldBeFalse();

    [Fact]
    public void IsValid_WrongSecret_IsRefused() =>
        GitHubSignature.IsValid("It's a Secret to Everybody!", Encoding.UTF8.GetBytes(VectorPayload), VectorSignature).ShouldBeFalse();
}
