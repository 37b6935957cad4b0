using Nightshift.Forges.Rest;

namespace Nightshift.Forges.Tests.Rest;

public sealed class ForgeTextTests
{
    [Theory]
    [InlineData("Fix add", null, "Fix add")]
    [InlineData("Fix add", "Draft: ", "Draft: Fix add")]
    [InlineData("draft: Fix add", "Draft: ", "Draft: Fix add")]
    [InlineData("WIP: [Draft] Fix add", "WIP: ", "WIP: Fix add")]
    [InlineData("Draft: Fix add", null, "Fix add")]
    [InlineData("  \n\t ", null, "fallback")]
    [InlineData("Draft:", "Draft: ", "Draft: fallback")]
    [InlineData("a\u2028b\u0000c\u001bd", null, "a b c d")]
    public void Title_AnyText_IsOneCleanLineWithTheRightMarker(string title, string? prefix, string expected)
    {
        ForgeText.Title(title, "fallback", prefix).ShouldBe(expected);
    }

    [Fact]
    public void Title_CombiningCharactersAtTheLimit_AreNotSplit()
    {
        var title = new string('a', 254) + "e\u0301";

        var cut = ForgeText.Title(title, "fallback", null);

        cut.ShouldBe(new string('a', 254));
    }

    [Fact]
    public void Body_WithinTheLimit_IsUnchangedButForNul()
    {
        ForgeText.Body("a\0b\nc").ShouldBe("ab\nc");
        ForgeText.Body(null).ShouldBe(string.Empty);
    }

    [Theory]
    [InlineData("{\"message\":\"404 Project Not Found\"}", "404 Project Not Found")]
    [InlineData("{\"message\":[\"Target branch does not exist\",\"Another\"]}", "Target branch does not exist; Another")]
    [InlineData("{\"message\":{\"title\":[\"is too long\"]}}", "title is too long")]
    [InlineData("{\"error\":\"insufficient_scope\",\"error_description\":\"needs more\"}", "insufficient_scope; needs more")]
    [InlineData("plain\n\ntext", "plain text")]
    [InlineData("<html>login</html>", "an HTML page instead of a JSON answer")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("", "")]
    public void Detail_ErrorBody_GivesTheMessageWorthShowing(string body, string expected)
    {
        ForgeText.Detail(body, "application/json").ShouldBe(expected);
    }

    [Fact]
    public void Detail_DeeplyNestedJson_FallsBackToBoundedText()
    {
        var nested = new string('[', 10_000) + new string(']', 10_000);

        ForgeText.Detail("{\"message\":" + nested + "}", null).Length.ShouldBeLessThanOrEqualTo(ForgeText.MaxDetailLength);
    }

    [Fact]
    public void Redact_SecretInText_IsReplacedEverywhere()
    {
        ForgeText.Redact("a tok b tok", "tok").ShouldBe("a *** b ***");
        ForgeText.Redact("unchanged", "").ShouldBe("unchanged");
    }
}
