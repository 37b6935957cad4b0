using Nightshift.Server.ForgeStatus;

namespace Nightshift.Server.Tests.ForgeStatus;

public sealed class NoticeTextTests
{
    /// <summary>Shaped like a GitHub token for the redactor to find, and plainly not one.</summary>
    private static readonly string FakeToken = "ghp_" + new string('0', 36);

    [Fact]
    public void Quote_MentionsReferencesAndHtml_AreDefused()
    {
        var quoted = NoticeText.Quote("ping @octo-org/admins about #42 and !7 <script>alert(1)</script> <!-- nightshift:notice -->", 500);

        quoted.ShouldStartWith("> ");
        quoted.ShouldNotContain("@octo");
        quoted.ShouldNotContain("#42");
        quoted.ShouldNotContain("!7");
        quoted.ShouldNotContain("<script>");
        quoted.ShouldNotContain("<!--");
        quoted.ShouldContain("&lt;script&gt;");
    }

    [Fact]
    public void Quote_ControlAndDirectionCharacters_AreRemoved()
    {
        var quoted = NoticeText.Quote("safe\u202Etxt.exe\u0000\u001b[31m red", 500);

        quoted.ShouldNotContain('\u202E');
        quoted.ShouldNotContain('\u0000');
        quoted.ShouldNotContain('\u001b');
    }

    [Fact]
    public void Quote_HugeText_IsCutWithoutSplittingASurrogatePair()
    {
        var quoted = NoticeText.Quote(new string('a', 99) + "😀" + new string('b', 10_000), 100);

        quoted.ShouldEndWith("a…");
        quoted.Length.ShouldBeLessThan(110);
    }

    [Fact]
    public void Quote_SecretsAndHostPaths_AreRemovedButAddressesKept()
    {
        var quoted = NoticeText.Quote($"token {FakeToken} at /var/lib/nightshift/worktrees/01J/app.cs, see https://github.example/acme/widgets/pull/8", 500);

        quoted.ShouldNotContain(FakeToken);
        quoted.ShouldNotContain("/var/lib");
        quoted.ShouldContain("(path)");
        quoted.ShouldContain("https://github.example/acme/widgets/pull/8");
    }

    [Fact]
    public void Quote_NothingOrBlank_SaysEmpty() => NoticeText.Quote(" \n\n ", 100).ShouldBe("> (empty)");

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://x.example/a) [click](https://evil.example")]
    [InlineData("https://user:pw@x.example/")]
    public void Link_NotAPlainHttpAddress_IsShownAsCode(string address) =>
        NoticeText.Link(address, "the pull request").ShouldStartWith("`");

    [Fact]
    public void Comment_HugeMarkdown_KeepsBothMarkersWithinTheLimit()
    {
        var body = NoticeText.Comment(new string('x', 100_000), "01JTASK", "ended:9");

        body.Length.ShouldBeLessThanOrEqualTo(NoticeText.MaxCommentLength);
        body.ShouldEndWith($"{NoticeText.Marker}\n{NoticeText.KeyMarker("01JTASK", "ended:9")}");
    }
}
