using Nightshift.Agent.Execution;
using Nightshift.Core.Execution;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Tests.Execution;

public sealed class HostDecisionTallyTests
{
    [Fact]
    public void Rows_RepeatedDecisions_AreCountedPerHostPortAndOutcomeWithTheLastReason()
    {
        var tally = new HostDecisionTally();

        tally.Add(new NetworkDecision("registry.example.org", 443, "CONNECT", true, "public address"));
        tally.Add(new NetworkDecision("registry.example.org", 443, "CONNECT", true, "public address again"));
        tally.Add(new NetworkDecision("registry.example.org", 443, "POST", false, "method not allowed"));
        tally.Add(new NetworkDecision("registry.example.org", 80, "GET", true, "public address"));

        tally.Rows().ShouldBe(
        [
            new CommandHostDecisions("registry.example.org", 443, true, 2, "public address again"),
            new CommandHostDecisions("registry.example.org", 443, false, 1, "method not allowed"),
            new CommandHostDecisions("registry.example.org", 80, true, 1, "public address"),
        ]);
    }

    [Fact]
    public void Rows_ThousandsOfDistinctHostsFromManyThreads_StayBoundedAndCountEveryDecision()
    {
        var tally = new HostDecisionTally();

        Parallel.For(0, 5_000, i => tally.Add(new NetworkDecision($"h{i}.example.org", 443, "CONNECT", i % 2 == 0, "r")));

        var rows = tally.Rows();
        rows.Count.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxHosts);
        rows.Where(r => r.Allowed).Sum(r => r.Count).ShouldBe(2_500);
        rows.Where(r => !r.Allowed).Sum(r => r.Count).ShouldBe(2_500);
        rows.Where(r => r.Host == CommandAuditBounds.OtherHosts).Count().ShouldBe(2);
    }
}
