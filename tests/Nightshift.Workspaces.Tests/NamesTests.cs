using Nightshift.Workspaces.Internal;

namespace Nightshift.Workspaces.Tests;

public sealed class NamesTests
{
    [Theory]
    [InlineData("Fix the login bug", "fix-the-login-bug")]
    [InlineData("  --Äpfel & Birnen!!  ", "pfel-birnen")]
    [InlineData("$(touch /tmp/pwn) `id`", "touch-tmp-pwn-id")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("日本語", "")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbb", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Slug_Title_LowercaseAsciiHyphensAtMost40(string? title, string expected)
    {
        Names.Slug(title).ShouldBe(expected);
        Names.Slug(title).Length.ShouldBeLessThanOrEqualTo(40);
    }

    [Fact]
    public void TaskBranch_EmptySlug_IsPrefixAndShortIdOnly()
    {
        Names.TaskBranch("01jabcdefghjkmnpqrstvwxyz0", "日本語").ShouldBe("nightshift/stvwxyz0");
    }

    [Theory]
    [InlineData("main", true)]
    [InlineData("release/1.2", true)]
    [InlineData("feat/$(x)", true)]
    [InlineData("-x", false)]
    [InlineData("a..b", false)]
    [InlineData("a b", false)]
    [InlineData("a~1", false)]
    [InlineData("a.lock", false)]
    [InlineData("x/.hidden", false)]
    [InlineData("@{-1}", false)]
    [InlineData("", false)]
    public void BranchProblem_GitRules(string name, bool valid)
    {
        (Names.BranchProblem(name) is null).ShouldBe(valid);
    }
}
