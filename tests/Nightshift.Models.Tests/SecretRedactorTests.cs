using Nightshift.Models.Recording;

namespace Nightshift.Models.Tests;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("key sk-ant-api03-abcdefghijklmnop done", "sk-ant-api03")]
    [InlineData("key sk-proj-abcdefghijklmnopqrstuvwxyz done", "sk-proj-abc")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGci")]
    [InlineData("{\"api_key\": \"hunter2hunter2\"}", "hunter2")]
    [InlineData("https://x?key=AIzaSyA1234567890abcdefghijklmnop", "AIzaSy")]
    [InlineData("token ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abc")]
    public void Redact_KeyShapedText_Masked(string text, string secretPart)
    {
        var redacted = SecretRedactor.Redact(text);

        redacted.ShouldNotContain(secretPart);
        redacted.ShouldContain(SecretRedactor.Mask);
    }

    [Fact]
    public void Redact_KnownSecretOfAnyShape_Masked()
    {
        SecretRedactor.Redact("value plainsecretvalue here", ["plainsecretvalue"]).ShouldBe("value [REDACTED] here");
    }

    [Theory]
    [InlineData("a task-list with skills and risk-free desk-top items")]
    [InlineData("use sk-short")]
    [InlineData("")]
    public void Redact_OrdinaryText_Unchanged(string text)
    {
        SecretRedactor.Redact(text).ShouldBe(text);
    }
}
