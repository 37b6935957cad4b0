using Nightshift.Core.Text;

namespace Nightshift.Core.Tests.Text;

public sealed class SafeTextTests
{
    [Fact]
    public void Clean_TerminalEscapes_AreFlattenedToPrintableText()
    {
        var cleaned = SafeText.Clean("ok\u001b]0;pwned\u0007 \u001b[2Jdone\r\nnext\u202e");

        cleaned.ShouldNotContain("\u001b");
        cleaned.ShouldNotContain("\u0007");
        cleaned.ShouldNotContain("\u202e");
        cleaned.ShouldNotContain("\n");
        cleaned.ShouldStartWith("ok");
    }

    [Fact]
    public void Clean_LongText_IsCutWithAnEllipsis()
    {
        var cleaned = SafeText.Clean(new string('a', 500), 20);

        cleaned.Length.ShouldBe(20);
        cleaned.ShouldEndWith("…");
    }

    [Fact]
    public void Clean_ColourCodes_LeaveOnlyTheText()
    {
        SafeText.Clean("\u001b[31mred\u001b[0m tests pass").ShouldBe("red tests pass");
    }
}
