using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

public sealed class PlanFingerprintsTests
{
    [Fact]
    public void Compute_SamePlanInAnyOrder_GivesTheSameFingerprints()
    {
        var plan = Plans.Graph("a", "b:a", "c:a,b");
        var reversed = new Plan([.. plan.Subtasks.Reverse()]);

        var first = PlanFingerprints.Compute(plan);

        first.Count.ShouldBe(3);
        first.Values.ShouldAllBe(f => f.Length == 32 && f.All(char.IsAsciiHexDigitLower));
        first.Values.Distinct().Count().ShouldBe(3);
        PlanFingerprints.Compute(reversed).ShouldBe(first);
    }

    [Fact]
    public void Compute_ChangedSubtask_ChangesItAndEverythingThatDependsOnIt()
    {
        var plan = Plans.Graph("a", "b:a", "c:b", "d");
        var before = PlanFingerprints.Compute(plan);
        var edited = new Plan([.. plan.Subtasks.Select(s => s.Id == "b" ? s with { Description = "Something else." } : s)]);

        var after = PlanFingerprints.Compute(edited);

        after["a"].ShouldBe(before["a"]);
        after["d"].ShouldBe(before["d"]);
        after["b"].ShouldNotBe(before["b"]);
        after["c"].ShouldNotBe(before["c"]);
    }

    [Fact]
    public void Compute_PriorityFilesAndAcceptance_DoNotChangeTheFingerprint()
    {
        var plan = Plans.Graph("a");
        var tweaked = new Plan([plan.Subtasks[0] with { Priority = 9, Files = ["x.cs"], Acceptance = ["works"] }]);

        PlanFingerprints.Compute(tweaked)["a"].ShouldBe(PlanFingerprints.Compute(plan)["a"]);
    }

    [Fact]
    public void Compute_FieldBoundariesShifted_GivesDifferentFingerprints()
    {
        var one = new Plan([new Subtask("a", "ab", "c", [], 0, [], [])]);
        var two = new Plan([new Subtask("a", "a", "bc", [], 0, [], [])]);

        PlanFingerprints.Compute(one)["a"].ShouldNotBe(PlanFingerprints.Compute(two)["a"]);
    }

    [Fact]
    public void Compute_CyclicPlan_Throws()
    {
        Should.Throw<PlanCycleException>(() => PlanFingerprints.Compute(Plans.Graph("a:b", "b:a")));
    }
}
