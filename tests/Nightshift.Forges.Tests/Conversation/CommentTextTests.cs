using Nightshift.Forges.Conversation;

namespace Nightshift.Forges.Tests.Conversation;

public sealed class CommentTextTests
{
    [Theory]
    [InlineData("@alice", "@\u200Dalice")]
    [InlineData("thanks @alice, @bob-2 and @org/team.", "thanks @\u200Dalice, @\u200Dbob-2 and @\u200Dorg/team.")]
    [InlineData("(@alice)", "(@\u200Dalice)")]
    [InlineData("`@alice`", "`@\u200Dalice`")]
    [InlineData("mail a@b.example", "mail a@b.example")]
    [InlineData("@ alone, @@, trailing @", "@ alone, @@, trailing @")]
    [InlineData("", "")]
    public void Sanitize_Mentions_CannotPing(string text, string expected) =>
        CommentText.Sanitize(text, CommentText.GitHubMaxChars).ShouldBe(expected);

    [Fact]
    public void Sanitize_ControlCharacters_DroppedButLinesAndTabsKept()
    {
        CommentText.Sanitize("a\0b\u0007c\r\nd\re\tf\u001b[31m", 1_000).ShouldBe("abc\nd\ne\tf[31m");
    }

    [Fact]
    public void Sanitize_Null_Empty()
    {
        CommentText.Sanitize(null, 1_000).ShouldBe("");
    }

    [Fact]
    public void Sanitize_LongerThanTheLimit_ClippedWithTheMarker()
    {
        var clipped = CommentText.Sanitize(new string('x', 200_000), CommentText.GitHubMaxChars);

        clipped.Length.ShouldBe(CommentText.GitHubMaxChars);
        clipped.ShouldEndWith(CommentText.CutMarker);
    }

    [Fact]
    public void Sanitize_CutAtASurrogatePair_NeverHalfACharacter()
    {
        var max = CommentText.CutMarker.Length + 11;

        var clipped = CommentText.Sanitize(new string('a', 10) + string.Concat(Enumerable.Repeat("😀", 50)), max);

        clipped.ShouldBe(new string('a', 10) + CommentText.CutMarker);
    }

    [Fact]
    public void Sanitize_MentionsAddedCharacters_StillWithinTheLimit()
    {
        var clipped = CommentText.Sanitize(string.Concat(Enumerable.Repeat("@a ", 40_000)), CommentText.GitHubMaxChars);

        clipped.Length.ShouldBeLessThanOrEqualTo(CommentText.GitHubMaxChars);
        clipped.ShouldNotContain(" @a ");
    }

    [Fact]
    public void Sanitize_LimitTooSmallForTheMarker_Refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => CommentText.Sanitize("x", 5));
    }
}
