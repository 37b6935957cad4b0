using Nightshift.Sandbox.Internal;

namespace Nightshift.Sandbox.Tests;

public sealed class CappedOutputTests
{
    [Fact]
    public void Append_ExactlyCap_KeepsAllWithoutMarker()
    {
        var output = new CappedOutput(10);
        output.Append("0123456789");

        output.Truncated.ShouldBeFalse();
        output.ToString().ShouldBe("0123456789");
    }

    [Fact]
    public void Append_ManySmallPiecesOverCap_KeepsHeadTailAndCountsDropped()
    {
        var output = new CappedOutput(10);
        foreach (var c in "abcdefghijklmnopqrstuvwxyz")
        {
            output.Append([c]);
        }

        output.Truncated.ShouldBeTrue();
        output.ToString().ShouldBe("abcde\n… [nightshift: 16 characters of output omitted] …\nvwxyz");
    }

    [Fact]
    public void Append_SurrogatePairSplitBetweenReads_CountsItsFourBytesOnce()
    {
        var output = new CappedOutput(4);
        var emoji = "😀";

        output.Append(emoji.AsSpan(0, 1));
        output.Append(emoji.AsSpan(1, 1));
        output.Append("abcdefgh");

        output.Bytes.ShouldBe(4 + 8);
        output.Truncated.ShouldBeTrue();
    }
}
