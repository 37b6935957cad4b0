using Nightshift.Core.Errors;
using Nightshift.Server.Secrets;

namespace Nightshift.Server.Tests.Secrets;

public sealed class SecretNamesTests
{
    [Theory]
    [InlineData("model.openai.api-key")]
    [InlineData("model.anthropic.api-key")]
    [InlineData("model.gemini.api-key")]
    [InlineData("model.openai-compatible.api-key")]
    [InlineData("forge.github.token")]
    [InlineData("forge.gitlab.token")]
    [InlineData("forge.gitea.token")]
    public void Check_KnownName_Passes(string name) => SecretNames.Check(name);

    [Theory]
    [InlineData("")]
    [InlineData("Model.OpenAI.api-key")]
    [InlineData(".model")]
    [InlineData("-model")]
    [InlineData("model/openai")]
    [InlineData("model openai")]
    [InlineData("model.openai.api-key\n")]
    [InlineData("../../etc/passwd")]
    [InlineData("model.openai.api-key\u0000")]
    [InlineData("mödel.openai.api-key")]
    public void Check_MalformedName_IsRefusedNamingTheField(string name)
    {
        var error = Should.Throw<ValidationException>(() => SecretNames.Check(name));

        error.Errors.Keys.ShouldBe(["name"]);
        error.Message.ShouldContain("lowercase letters");
    }

    [Fact]
    public void Check_OverlongName_IsRefused() =>
        Should.Throw<ValidationException>(() => SecretNames.Check(new string('a', 65)));

    [Fact]
    public void Check_NullName_IsRefused() =>
        Should.Throw<ValidationException>(() => SecretNames.Check(null));

    [Fact]
    public void Check_WellFormedButUnusedName_ListsTheKnownNames()
    {
        var error = Should.Throw<ValidationException>(() => SecretNames.Check("model.opneai.api-key"));

        error.Message.ShouldContain("model.openai.api-key");
        error.Message.ShouldContain("forge.github.token");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void CheckValue_MissingOrBlank_IsRefused(string? value) =>
        Should.Throw<ValidationException>(() => SecretNames.CheckValue(value)).Errors.Keys.ShouldBe(["value"]);

    [Fact]
    public void CheckValue_WithNul_IsRefused() =>
        Should.Throw<ValidationException>(() => SecretNames.CheckValue("sk-test-\0-abc")).Message.ShouldContain("NUL");

    [Fact]
    public void CheckValue_AtTheLimit_Passes() => SecretNames.CheckValue(new string('k', SecretNames.MaxValueBytes));

    [Fact]
    public void CheckValue_OverTheLimitInUtf8Bytes_IsRefused() =>
        Should.Throw<ValidationException>(() => SecretNames.CheckValue(new string('é', (SecretNames.MaxValueBytes / 2) + 1)))
            .Message.ShouldContain($"at most {SecretNames.MaxValueBytes}");

    [Fact]
    public void CheckValue_PemWithLineBreaks_Passes() =>
        SecretNames.CheckValue("-----BEGIN KEY-----\nabcdef\n-----END KEY-----\n");
}
