using Nightshift.Core.Execution;

namespace Nightshift.Core.Tests.Execution;

public sealed class CommandAuditBoundsTests
{
    [Fact]
    public void Cut_TextThatFits_IsKeptAsItIs()
    {
        CommandAuditBounds.Cut("npm test", 10).ShouldBe("npm test");
        CommandAuditBounds.Cut("", 10).ShouldBe("");
    }

    [Fact]
    public void Cut_MegabyteOfText_KeepsTheHeadAndSaysHowLongItWas()
    {
        var text = "echo " + new string('x', 1024 * 1024);

        var cut = CommandAuditBounds.Cut(text, CommandAuditEntry.MaxCommandChars);

        cut.Length.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxCommandChars);
        cut.ShouldStartWith("echo xxx");
        cut.ShouldEndWith("[1,048,581 characters, cut]");
    }

    [Fact]
    public void Cut_AtASurrogatePair_NeverSplitsIt()
    {
        var text = new string('a', 3_969) + string.Concat(Enumerable.Repeat("😀", 100));

        var cut = CommandAuditBounds.Cut(text, CommandAuditEntry.MaxCommandChars);

        cut.Length.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxCommandChars);
        for (var i = 0; i < cut.Length; i++)
        {
            if (char.IsHighSurrogate(cut[i]))
            {
                (i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1])).ShouldBeTrue($"a lone high surrogate at {i}");
            }
        }
    }

    [Fact]
    public void Fold_MoreHostsThanKept_SumsTheRestIntoOtherHostsRowsWithWholeCounts()
    {
        var hosts = Enumerable.Range(0, 250).Select(i => new CommandHostDecisions($"h{i}.example.org", 443, i % 5 != 0, 3, "r")).ToList();

        var folded = CommandAuditBounds.Fold(hosts);

        folded.Count.ShouldBe(CommandAuditEntry.MaxHosts);
        folded.Take(CommandAuditEntry.MaxHosts - 2).ShouldBe(hosts.Take(CommandAuditEntry.MaxHosts - 2));
        folded.Where(h => h.Allowed).Sum(h => h.Count).ShouldBe(hosts.Where(h => h.Allowed).Sum(h => h.Count));
        folded.Where(h => !h.Allowed).Sum(h => h.Count).ShouldBe(hosts.Where(h => !h.Allowed).Sum(h => h.Count));
        folded[^1].Host.ShouldBe(CommandAuditBounds.OtherHosts);
        folded[^1].Reason.ShouldBe("152 more hosts");
    }

    [Fact]
    public void Fold_FewHosts_AreKeptAsGiven()
    {
        IReadOnlyList<CommandHostDecisions> hosts = [new("a.example.org", 443, true, 1, "ok")];

        CommandAuditBounds.Fold(hosts).ShouldBeSameAs(hosts);
    }
}
