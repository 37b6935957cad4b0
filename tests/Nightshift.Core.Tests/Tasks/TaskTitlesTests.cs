using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Tasks;

public sealed class TaskTitlesTests
{
    public static TheoryData<string, string> Instructions => new()
    {
        { "Fix the flaky test", "Fix the flaky test" },
        { "Fix the flaky test.", "Fix the flaky test" },
        { "  Fix the flaky test.  \n", "Fix the flaky test" },
        { "Fix the flaky test. It fails one run in ten on CI.", "Fix the flaky test" },
        { "Why does login fail? Find out and fix it.", "Why does login fail?" },
        { "Fix the flaky login test, which fails\none run in ten on CI. Then add a retry.", "Fix the flaky login test, which fails" },
        { "Three steps:\n1. add a README\n2. add a licence\n3. tag v1.0", "Three steps: add a README" },
        { "Three steps:\n- add a README. It should say how to build.\n- add a licence", "Three steps: add a README" },
        { "Do this:\n\n* rename Foo to Bar", "Do this: rename Foo to Bar" },
        { "Three steps:\nplain prose follows", "Three steps:" },
        { "Use a parser, e.g. the one in Core. Then test it.", "Use a parser, e.g. the one in Core" },
        { "Bump the version to 1.2.3 in the project file", "Bump the version to 1.2.3 in the project file" },
        { "# Add a dark theme\n\nThe dashboard needs one.", "Add a dark theme" },
        { "- add a README", "add a README" },
        { "Fix\tthe   test\u0007 now", "Fix the test now" },
        { "\r\n\r\nFix the test\r\nsecond line", "Fix the test" },
        { "-", "-" },
        { "", "" },
    };

    [Theory]
    [MemberData(nameof(Instructions))]
    public void Derive_Instruction_GivesTheExpectedTitle(string instruction, string expected)
    {
        TaskTitles.Derive(instruction).ShouldBe(expected);
    }

    [Fact]
    public void Derive_Null_IsEmpty()
    {
        TaskTitles.Derive(null).ShouldBe("");
    }

    [Fact]
    public void Derive_LongFirstSentence_IsCutOnAWordBoundaryWithAnEllipsis()
    {
        var title = TaskTitles.Derive("Make the scheduler " + string.Join(' ', Enumerable.Repeat("considerably", 12)) + " faster.");

        title.Length.ShouldBeLessThanOrEqualTo(TaskTitles.MaxDerivedLength);
        title.ShouldEndWith("considerably…");
        title.ShouldStartWith("Make the scheduler considerably");
    }

    [Fact]
    public void Derive_OneLongWord_IsCutHardAtTheLimit()
    {
        var title = TaskTitles.Derive(new string('x', 500));

        title.Length.ShouldBe(TaskTitles.MaxDerivedLength);
        title.ShouldEndWith("…");
    }

    [Fact]
    public void Derive_ListHeaderWithALongItem_StaysWithinTheLimit()
    {
        var title = TaskTitles.Derive("Three steps:\n1. " + string.Join(' ', Enumerable.Repeat("refactor", 30)));

        title.Length.ShouldBeLessThanOrEqualTo(TaskTitles.MaxDerivedLength);
        title.ShouldStartWith("Three steps: refactor");
        title.ShouldEndWith("refactor…");
    }

    [Fact]
    public void Derive_CutThroughASurrogatePair_KeepsThePairWhole()
    {
        var title = TaskTitles.Derive(new string('a', 78) + "😀😀😀");

        title.ShouldBe(new string('a', 78) + "…");
        title.Any(char.IsHighSurrogate).ShouldBeFalse();
    }

    [Fact]
    public void Derive_HugeInstruction_StaysWithinTheLimitAndOneLine()
    {
        var title = TaskTitles.Derive(string.Concat(Enumerable.Repeat("word ", 100_000)) + "\n" + new string('y', 100_000));

        title.Length.ShouldBeLessThanOrEqualTo(TaskTitles.MaxDerivedLength);
        title.Any(char.IsControl).ShouldBeFalse();
    }

    [Theory]
    [InlineData("short", 80, "short")]
    [InlineData("alpha beta gamma", 12, "alpha beta…")]
    [InlineData("alpha, beta gamma", 10, "alpha…")]
    public void Cut_Text_FitsTheLimit(string text, int max, string expected)
    {
        TaskTitles.Cut(text, max).ShouldBe(expected);
    }
}
