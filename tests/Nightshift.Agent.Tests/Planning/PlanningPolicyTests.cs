using Nightshift.Agent.Execution;
using Nightshift.Agent.Planning;

namespace Nightshift.Agent.Tests.Planning;

public sealed class PlanningPolicyTests
{
    [Fact]
    public void SkipReason_DefaultsWithAShortOneLineInstruction_SkipsAndSaysHowToPlanAnyway()
    {
        var reason = PlanningPolicy.SkipReason(new AgentOptions(), "Fix add(): it subtracts instead of adding");

        reason.ShouldNotBeNull().ShouldContain("short");
        reason.ShouldContain("Agent:Planning to always");
    }

    [Fact]
    public void SkipReason_AutoWithALongInstruction_Plans() =>
        PlanningPolicy.SkipReason(new AgentOptions(), new string('x', 300)).ShouldBeNull();

    [Fact]
    public void SkipReason_AutoJustUnderTheThreshold_Skips() =>
        PlanningPolicy.SkipReason(new AgentOptions { PlanningMinInstructionChars = 50 }, new string('x', 49)).ShouldNotBeNull();

    [Fact]
    public void SkipReason_AutoWithAShortListOfSteps_Plans() =>
        PlanningPolicy.SkipReason(new AgentOptions(), "- add a flag\n- document it").ShouldBeNull();

    [Fact]
    public void SkipReason_AutoWithBlankLinesAroundOneLine_StillSkips() =>
        PlanningPolicy.SkipReason(new AgentOptions(), "\n\n  Fix it  \n\n").ShouldNotBeNull();

    [Fact]
    public void SkipReason_Always_PlansEvenAnEmptyInstruction() =>
        PlanningPolicy.SkipReason(new AgentOptions { Planning = PlanningMode.Always }, "").ShouldBeNull();

    [Fact]
    public void SkipReason_Never_SkipsEvenALongInstruction() =>
        PlanningPolicy.SkipReason(new AgentOptions { Planning = PlanningMode.Never }, new string('x', 5_000)).ShouldNotBeNull().ShouldContain("never");

    [Fact]
    public void SkipReason_MissingInstruction_SkipsInAuto() =>
        PlanningPolicy.SkipReason(new AgentOptions(), null).ShouldNotBeNull();
}
