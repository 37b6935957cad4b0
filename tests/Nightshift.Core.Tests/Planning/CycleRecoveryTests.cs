using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

public sealed class CycleRecoveryTests
{
    [Fact]
    public async Task RecoverAsync_AcyclicPlan_ComesBackUnchangedWithNoSteps()
    {
        var plan = Plans.Graph("a", "b:a");

        var result = await CycleRecovery.RecoverAsync(plan, AskNever);

        result.Plan.ShouldBeSameAs(plan);
        result.Steps.ShouldBeEmpty();
        result.Cycles.ShouldBeEmpty();
    }

    [Fact]
    public async Task RecoverAsync_ThreeCycle_DropsTheEdgeBetweenTheLowestPrioritySubtasksAndSaysWhich()
    {
        var plan = Plans.Of(Plans.Task("a", 5, "b"), Plans.Task("b", 1, "c"), Plans.Task("c", 2, "a"), Plans.Task("d", 0, "a"));

        var result = await CycleRecovery.RecoverAsync(plan, AskNever);

        result.Succeeded.ShouldBeTrue();
        result.Cycles.ShouldBe(["a → b → c → a"]);
        var step = result.Steps.ShouldHaveSingleItem();
        step.Rung.ShouldBe(CycleRecoveryRung.DropLowestPriorityEdges);
        step.Succeeded.ShouldBeTrue();
        step.DroppedEdges.ShouldBe([new PlanEdge("b", "c")]);
        step.Message.ShouldContain("b → c");
        step.Message.ShouldContain("a → b → c → a");
        result.Plan!.Find("b")!.DependsOn.ShouldBeEmpty();
        result.Plan.Find("d")!.DependsOn.ShouldBe(["a"]);
        PlanGraph.TopologicalOrder(result.Plan).Select(s => s.Id).ShouldBe(["b", "a", "c", "d"]);
    }

    [Fact]
    public async Task RecoverAsync_TooTangled_AsksTheModelAndUsesItsAcyclicPlan()
    {
        var plan = Plans.Graph("a:b,c,d", "b:a,c,d", "c:a,b,d", "d:a,b,c");
        var fixedPlan = Plans.Graph("a", "b:a", "c:b", "d:c");
        IReadOnlyList<string>? shown = null;

        var result = await CycleRecovery.RecoverAsync(plan, (p, cycles, _) =>
        {
            shown = cycles;
            return Task.FromResult<Plan?>(fixedPlan);
        });

        shown.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe("a → b → a");
        result.Plan.ShouldBeSameAs(fixedPlan);
        result.Steps.Select(s => (s.Rung, s.Succeeded)).ShouldBe([(CycleRecoveryRung.DropLowestPriorityEdges, false), (CycleRecoveryRung.AskModel, true)]);
        result.Steps[0].Message.ShouldContain("would drop 6 dependencies, more than the 3 allowed");
    }

    [Theory]
    [InlineData("null", "did not return a plan")]
    [InlineData("cyclic", "still has a cycle: x → y → x")]
    [InlineData("invalid", "is not valid")]
    public async Task RecoverAsync_ModelAnswerUnusable_RunsLinearlyByPriority(string answer, string reason)
    {
        var plan = Plans.Of(
            Plans.Task("a", 1, "b", "c", "d"), Plans.Task("b", 3, "a", "c", "d"),
            Plans.Task("c", 3, "a", "b", "d"), Plans.Task("d", 0, "a", "b", "c"));
        Plan? reply = answer switch
        {
            "cyclic" => Plans.Graph("x:y", "y:x"),
            "invalid" => Plans.Graph("Not A Slug"),
            _ => null,
        };

        var result = await CycleRecovery.RecoverAsync(plan, (_, _, _) => Task.FromResult(reply));

        result.Steps.Select(s => s.Rung).ShouldBe([CycleRecoveryRung.DropLowestPriorityEdges, CycleRecoveryRung.AskModel, CycleRecoveryRung.RunLinearly]);
        result.Steps[1].Succeeded.ShouldBeFalse();
        result.Steps[1].Message.ShouldContain(reason);
        result.Steps[2].DroppedEdges.Count.ShouldBe(12);
        PlanGraph.TopologicalOrder(result.Plan!).Select(s => s.Id).ShouldBe(["b", "c", "a", "d"]);
        PlanGraph.Waves(result.Plan!).Count.ShouldBe(4);
    }

    [Fact]
    public async Task RecoverAsync_NoModelAndLinearNotAllowed_FailsNamingTheCycle()
    {
        var options = new CycleRecoveryOptions { MaxDroppedEdges = 0, AllowRunLinearly = false };

        var result = await CycleRecovery.RecoverAsync(Plans.Graph("a:c", "b:a", "c:b"), askModel: null, options);

        result.Succeeded.ShouldBeFalse();
        result.Plan.ShouldBeNull();
        result.Failure.ShouldNotBeNull().ShouldContain("a → c → b → a");
        result.Steps.Select(s => s.Rung).ShouldBe([CycleRecoveryRung.DropLowestPriorityEdges, CycleRecoveryRung.Fail]);
        result.Steps[^1].Message.ShouldBe(result.Failure);
    }

    [Fact]
    public async Task RecoverAsync_AskModelDisallowed_DoesNotCallTheModel()
    {
        var options = new CycleRecoveryOptions { MaxDroppedEdges = 0, AllowAskModel = false };

        var result = await CycleRecovery.RecoverAsync(Plans.Graph("a:b", "b:a"), AskNever, options);

        result.Steps.Select(s => s.Rung).ShouldBe([CycleRecoveryRung.DropLowestPriorityEdges, CycleRecoveryRung.RunLinearly]);
    }

    [Fact]
    public async Task RecoverAsync_Cancelled_ThrowsBeforeAskingTheModel()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => CycleRecovery.RecoverAsync(
            Plans.Graph("a:b", "b:a"), AskNever, new CycleRecoveryOptions { MaxDroppedEdges = 0 }, cancelled.Token));
    }

    [Fact]
    public void DropLowestPriorityEdges_EqualPriorities_IsDecidedByIds()
    {
        var (plan, dropped) = CycleRecovery.DropLowestPriorityEdges(Plans.Graph("b:a", "a:b"));

        dropped.ShouldBe([new PlanEdge("a", "b")]);
        plan.Find("b")!.DependsOn.ShouldBe(["a"]);
    }

    [Fact]
    public void DropLowestPriorityEdges_AllGraphsOnThreeAndFourNodes_AcyclicMinimalDeterministicAndKeepsEverySubtask()
    {
        // Plain checks collected into a list: thousands of graphs through an assertion library per check is needlessly slow.
        var failures = new List<string>();
        void Check(bool condition, string what, string rule)
        {
            if (!condition)
            {
                failures.Add($"{rule} ({what})");
            }
        }

        var checkedGraphs = 0;
        foreach (var priorities in new[] { new[] { 0, 0, 0, 0 }, [3, 1, 2, 0], [1, 1, 5, 5] })
        {
            // Four nodes once, with ties and differences in priority; three nodes with every priority pattern.
            foreach (var nodes in priorities[3] == 5 ? new[] { 3, 4 } : [3])
            {
                foreach (var (plan, edges) in Exhaustive.Graphs(nodes, priorities))
                {
                    var (result, dropped) = CycleRecovery.DropLowestPriorityEdges(plan);
                    var what = Exhaustive.Show(edges);
                    var kept = PlanGraph.Edges(result).ToHashSet();

                    Check(!Exhaustive.IsCyclic(nodes, kept), what, "the result is acyclic");
                    Check(PlanGraph.IsAcyclic(result), what, "the graph agrees the result is acyclic");
                    Check(result.Subtasks.Select(s => s with { DependsOn = [] }).SequenceEqual(plan.Subtasks.Select(s => s with { DependsOn = [] })), what, "every subtask is kept unchanged, in order");
                    Check(dropped.All(edges.Contains), what, "only existing dependencies are dropped");
                    Check(kept.SetEquals(edges.Except(dropped)), what, "exactly the reported dependencies are dropped");
                    Check(Exhaustive.IsCyclic(nodes, edges) || dropped.Count == 0, what, "nothing is dropped from an acyclic plan");
                    foreach (var edge in dropped)
                    {
                        Check(Exhaustive.IsCyclic(nodes, kept.Append(edge)), what, $"{edge} was dropped although putting it back closes no cycle");
                    }
                    var shuffled = new Plan([.. plan.Subtasks.Reverse()]);
                    Check(CycleRecovery.DropLowestPriorityEdges(shuffled).Dropped.SequenceEqual(dropped), what, "the same edges are dropped whatever the subtask order");
                    checkedGraphs++;
                }
            }
        }
        failures.ShouldBeEmpty();
        checkedGraphs.ShouldBe((3 * 64) + 4096);
    }

    [Fact]
    public void RunLinearly_OrdersByPriorityThenIdAndChainsTheSubtasks()
    {
        var plan = Plans.Of(Plans.Task("c", 1, "a"), Plans.Task("a", 1, "c"), Plans.Task("b", 7));

        var linear = CycleRecovery.RunLinearly(plan);

        linear.Subtasks.Select(s => (s.Id, string.Join(",", s.DependsOn))).ShouldBe([("b", ""), ("a", "b"), ("c", "a")]);
    }

    private static Task<Plan?> AskNever(Plan plan, IReadOnlyList<string> cycles, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the model must not be asked here");
}
