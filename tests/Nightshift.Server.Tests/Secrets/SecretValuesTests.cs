using Nightshift.Server.Secrets;

namespace Nightshift.Server.Tests.Secrets;

public sealed class SecretValuesTests
{
    private const string Mask = "[REDACTED]";

    [Fact]
    public void Redact_KnownValue_IsMaskedWherever_ItAppears()
    {
        var values = new SecretValues();
        values.Add("org-key-0123456789");

        values.Redact("tool output: org-key-0123456789 and again org-key-0123456789.", Mask)
            .ShouldBe("tool output: [REDACTED] and again [REDACTED].");
    }

    [Fact]
    public void Redact_ValueEscapedInJson_IsMasked()
    {
        var values = new SecretValues();
        values.Add("pa\"ss\\word-with-quotes");

        var json = System.Text.Json.JsonSerializer.Serialize(new { output = "leaked pa\"ss\\word-with-quotes here" });

        values.Redact(json, Mask).ShouldNotContain("word-with-quotes");
        System.Text.Json.JsonDocument.Parse(values.Redact(json, Mask)).RootElement.GetProperty("output").GetString().ShouldBe("leaked [REDACTED] here");
    }

    [Fact]
    public void Redact_ValueWithATrailingLineBreak_IsMaskedTrimmedToo()
    {
        var values = new SecretValues();
        values.Add("sk-test-pasted-123456\n");

        values.Redact("key sk-test-pasted-123456 used", Mask).ShouldBe("key [REDACTED] used");
    }

    [Fact]
    public void Add_ShortValue_IsNotMasked()
    {
        var values = new SecretValues();
        values.Add("abc");
        values.Add(null);

        values.Redact("abc abc", Mask).ShouldBe("abc abc");
        values.Current.ShouldBeEmpty();
    }

    [Fact]
    public void Redact_LongerValueContainingAShorterOne_IsMaskedWhole()
    {
        var values = new SecretValues();
        values.Add("secret-one");
        values.Add("secret-one-longer");

        values.Redact("x secret-one-longer y", Mask).ShouldBe("x [REDACTED] y");
    }

    [Fact]
    public void Add_PastTheLimit_KeepsTheFirstOnes()
    {
        var values = new SecretValues();
        for (var i = 0; i < SecretValues.MaxValues + 5; i++)
        {
            values.Add($"value-{i:D8}");
        }

        values.Current.Count.ShouldBe(SecretValues.MaxValues);
    }
}
