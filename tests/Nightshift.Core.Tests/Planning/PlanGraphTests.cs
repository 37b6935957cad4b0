using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

public sealed class PlanGraphTests
{
    [Fact]
    public void TopologicalOrder_Diamond_RunsDependenciesFirstAndBreaksTiesByPriorityThenId()
    {
        var plan = Plans.Of(
            Plans.Task("d", 0, "b", "c"),
            Plans.Task("c", 0, "a"),
            Plans.Task("b", 5, "a"),
            Plans.Task("a"),
            Plans.Task("z", 9),
            Plans.Task("y", 9));

        PlanGraph.TopologicalOrder(plan).Select(s => s.Id).ShouldBe(["y", "z", "a", "b", "c", "d"]);
    }

    [Fact]
    public void Waves_Diamond_GroupsWhatCanRunInParallel()
    {
        var plan = Plans.Of(Plans.Task("d", 0, "b", "c"), Plans.Task("c", 0, "a"), Plans.Task("b", 0, "a"), Plans.Task("a"), Plans.Task("e", 1, "a", "d"));

        PlanGraph.Waves(plan).Select(w => string.Join(",", w.Select(s => s.Id))).ShouldBe(["a", "b,c", "d", "e"]);
    }

    [Fact]
    public void FindCycles_ThreeCycle_NamesItInDependencyOrder()
    {
        var plan = Plans.Graph("a:b", "b:c", "c:a", "d:a");

        var cycles = PlanGraph.FindCycles(plan);

        cycles.ShouldHaveSingleItem().ShouldBe(["a", "b", "c"]);
        PlanGraph.Describe(cycles[0]).ShouldBe("a → b → c → a");
    }

    [Fact]
    public void FindCycles_TwoSeparateCycles_NamesEach()
    {
        var plan = Plans.Graph("x:y", "y:x", "a:b", "b:c", "c:b");

        PlanGraph.FindCycles(plan).Select(PlanGraph.Describe).ShouldBe(["b → c → b", "x → y → x"]);
    }

    [Fact]
    public void FindCycles_SelfDependency_IsACycle()
    {
        PlanGraph.FindCycles(Plans.Graph("a:a", "b")).Select(PlanGraph.Describe).ShouldBe(["a → a"]);
    }

    [Fact]
    public void TopologicalOrder_Cycle_ThrowsNamingTheCycle()
    {
        var error = Should.Throw<PlanCycleException>(() => PlanGraph.TopologicalOrder(Plans.Graph("a:b", "b:a")));

        error.Cycles.ShouldBe(["a → b → a"]);
        error.Message.ShouldContain("a → b → a");
    }

    [Fact]
    public void Graph_UnknownDependenciesAndDuplicateIds_AreIgnored()
    {
        var plan = Plans.Of(Plans.Task("a", 0, "ghost"), Plans.Task("b", 0, "a"), Plans.Task("a", 3));

        PlanGraph.Edges(plan).ShouldBe([new PlanEdge("b", "a")]);
        PlanGraph.TopologicalOrder(plan).Select(s => s.Id).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void AllGraphsOnFourNodes_OrderWavesAndCyclesAgreeWithBruteForce()
    {
        // Plain checks collected into a list: 4,096 graphs through an assertion library per check is needlessly slow.
        var failures = new List<string>();
        void Check(bool condition, string what, string rule)
        {
            if (!condition)
            {
                failures.Add($"{rule} ({what})");
            }
        }

        foreach (var (plan, edges) in Exhaustive.Graphs(4, priorities: [0, 2, 1, 2]))
        {
            var what = Exhaustive.Show(edges);
            var cyclic = Exhaustive.IsCyclic(4, edges);
            var cycles = PlanGraph.FindCycles(plan);
            Check(cycles.Count > 0 == cyclic, what, "cycles found iff the graph is cyclic");
            foreach (var cycle in cycles)
            {
                Check(cycle.Distinct().Count() == cycle.Count, what, "a named cycle visits each subtask once");
                Check(cycle.Select((id, i) => new PlanEdge(id, cycle[(i + 1) % cycle.Count])).All(edges.Contains), what, "a named cycle follows real dependencies");
            }
            if (cyclic)
            {
                Check(Throws(() => PlanGraph.TopologicalOrder(plan)), what, "ordering a cyclic plan throws");
                continue;
            }

            var order = PlanGraph.TopologicalOrder(plan).Select(s => s.Id).ToList();
            Check(order.Order(StringComparer.Ordinal).SequenceEqual(["n0", "n1", "n2", "n3"]), what, "the order holds every subtask once");
            var done = new HashSet<string>();
            foreach (var id in order)
            {
                var ready = plan.Subtasks.Where(s => !done.Contains(s.Id) && s.DependsOn.All(done.Contains)).ToList();
                var expected = ready.OrderByDescending(s => s.Priority).ThenBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault()?.Id;
                Check(id == expected, what, $"{id} is the highest-priority ready subtask");
                done.Add(id);
            }

            var waves = PlanGraph.Waves(plan);
            var wave = waves.SelectMany((w, i) => w.Select(s => (s.Id, i))).ToDictionary(x => x.Id, x => x.i);
            Check(wave.Count == 4, what, "every subtask is in one wave");
            foreach (var subtask in plan.Subtasks)
            {
                Check(subtask.DependsOn.All(d => wave[d] < wave[subtask.Id]), what, "dependencies run in earlier waves");
                Check(wave[subtask.Id] == 0 || subtask.DependsOn.Any(d => wave[d] == wave[subtask.Id] - 1), what, "a subtask runs in the first wave after its dependencies");
            }
        }
        failures.ShouldBeEmpty();
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (PlanCycleException)
        {
            return true;
        }
    }
}
