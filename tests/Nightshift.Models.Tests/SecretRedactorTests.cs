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
    [InlineData("curl -H 'X-Token: ns_q8Zr3VbN0xWfLk2Jd7YtHs5MPc9AeuGi4oRnT1ywE6U' http://127.0.0.1:7070", "ns_q8Zr")]
    [InlineData("{\"token\":\"ns_-_aB3dEfGhIjKlMnOpQrStUvWxYz0123456789_-xy\"}", "ns_-_aB3")]
    [InlineData("(ns_q8Zr3VbN0xWfLk2Jd7YtHs)", "ns_q8Zr")]
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

    [Fact]
    public void Redact_GeneratedServerToken_Masked()
    {
        var token = "ns_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        SecretRedactor.Redact($"Authorization failed for {token}.").ShouldBe("Authorization failed for [REDACTED].");
        SecretRedactor.ContainsSecret(token).ShouldBeTrue();
    }

    [Theory]
    [InlineData("a task-list with skills and risk-free desk-top items")]
    [InlineData("use sk-short")]
    [InlineData("the ns_task_queue_and_the_event_log tables")]
    [InlineData("ns_short1")]
    [InlineData("columns_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123")]
    [InlineData("")]
    public void Redact_OrdinaryText_Unchanged(string text)
    {
        SecretRedactor.Redact(text).ShouldBe(text);
    }
}
