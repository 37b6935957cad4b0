using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Server.Secrets;

namespace Nightshift.Server.Tests.Secrets;

public sealed class SecretValueReaderTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void Read_ValueField_GivesTheValue() =>
        SecretValueReader.Read(Json("{\"value\":\"sk-test-reader-123456\"}")).ShouldBe("sk-test-reader-123456");

    [Theory]
    [InlineData("[]", "body")]
    [InlineData("\"sk-test-123456\"", "body")]
    [InlineData("null", "body")]
    [InlineData("{}", "value")]
    [InlineData("{\"value\":null}", "value")]
    [InlineData("{\"value\":42}", "value")]
    [InlineData("{\"value\":{\"nested\":\"x\"}}", "value")]
    [InlineData("{\"value\":\"\"}", "value")]
    [InlineData("{\"value\":\"a\\u0000b\"}", "value")]
    [InlineData("{\"value\":\"sk-test-123456\",\"orgId\":\"globex\"}", "orgId")]
    [InlineData("{\"name\":\"forge.github.token\",\"value\":\"x1234567\"}", "name")]
    [InlineData("{\"createdAt\":\"2026-01-01T00:00:00Z\",\"value\":\"x1234567\"}", "createdAt")]
    [InlineData("{\"value\":\"x1234567\",\"value\":\"y1234567\"}", "value")]
    public void Read_MalformedOrExtraFields_IsRefusedNamingTheField(string body, string field)
    {
        var error = Should.Throw<ValidationException>(() => SecretValueReader.Read(Json(body)));

        error.Errors.Keys.ShouldContain(field);
    }

    [Fact]
    public void Read_OversizedValue_IsRefused() =>
        Should.Throw<ValidationException>(() => SecretValueReader.Read(Json(JsonSerializer.Serialize(new { value = new string('x', SecretNames.MaxValueBytes + 1) }))));

    [Fact]
    public void Read_Refusal_NeverQuotesTheValue()
    {
        var error = Should.Throw<ValidationException>(() => SecretValueReader.Read(Json("{\"value\":\"sk-test-quoted-987654\",\"extra\":1}")));

        error.Message.ShouldNotContain("sk-test-quoted-987654");
    }
}
