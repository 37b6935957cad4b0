namespace Nightshift.Core.Planning;

/// <summary>
/// The cycle recovery ladder: (1) drop the lowest-priority dependency of each cycle, (2) ask the model for an
/// acyclic plan, (3) run the subtasks linearly by priority, (4) fail naming the cycle. Pure logic: the model is
/// reached only through the delegate the caller passes.
/// </summary>
public static class CycleRecovery
{
    /// <summary>Runs the ladder on <paramref name="plan"/>. An acyclic plan comes back unchanged with no steps.</summary>
    /// <param name="askModel">given the plan and its cycles (as "a → b → a"), returns the model's corrected plan or null; null skips rung 2.</param>
    public static async Task<CycleRecoveryResult> RecoverAsync(
        Plan plan,
        Func<Plan, IReadOnlyList<string>, CancellationToken, Task<Plan?>>? askModel,
        CycleRecoveryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new CycleRecoveryOptions();
        var cycles = PlanGraph.FindCycles(plan).Select(PlanGraph.Describe).ToList();
        if (cycles.Count == 0)
        {
            return new CycleRecoveryResult(plan, cycles, [], null);
        }
        var named = string.Join("; ", cycles);
        var steps = new List<CycleRecoveryStep>();

        var (dropped, edges) = DropLowestPriorityEdges(plan);
        if (edges.Count <= options.MaxDroppedEdges)
        {
            steps.Add(new CycleRecoveryStep(
                CycleRecoveryRung.DropLowestPriorityEdges,
                true,
                $"dropped {edges.Count} dependenc{(edges.Count == 1 ? "y" : "ies")} to break {named}: {string.Join(", ", edges)} (→ means 'depends on'; the dependency between the lowest-priority subtasks of each cycle goes)",
                edges));
            return new CycleRecoveryResult(dropped, cycles, steps, null);
        }
        steps.Add(new CycleRecoveryStep(
            CycleRecoveryRung.DropLowestPriorityEdges,
            false,
            $"breaking {named} would drop {edges.Count} dependencies, more than the {options.MaxDroppedEdges} allowed; the plan is too tangled to patch",
            []));

        if (askModel is not null && options.AllowAskModel)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var proposed = await askModel(plan, cycles, cancellationToken).ConfigureAwait(false);
            var verdict = Judge(proposed);
            steps.Add(new CycleRecoveryStep(CycleRecoveryRung.AskModel, verdict is null, verdict ?? "the model returned an acyclic plan", []));
            if (verdict is null)
            {
                return new CycleRecoveryResult(proposed, cycles, steps, null);
            }
        }

        if (options.AllowRunLinearly)
        {
            var linear = RunLinearly(plan);
            var order = string.Join(", ", linear.Subtasks.Select(s => s.Id));
            steps.Add(new CycleRecoveryStep(
                CycleRecoveryRung.RunLinearly,
                true,
                $"ignoring all {PlanGraph.Edges(plan).Count} dependencies and running the subtasks one after another by priority: {order}",
                PlanGraph.Edges(plan)));
            return new CycleRecoveryResult(linear, cycles, steps, null);
        }

        var failure = $"the plan's dependencies form a cycle ({named}) that could not be resolved; change the task or plan so no subtask depends, directly or through others, on itself";
        steps.Add(new CycleRecoveryStep(CycleRecoveryRung.Fail, false, failure, []));
        return new CycleRecoveryResult(null, cycles, steps, failure);
    }

    /// <summary>
    /// Rung 1 alone: while a cycle is left, drop its lowest-priority dependency — the edge whose endpoints have the
    /// lowest priorities (the lower one first, then the higher one), ties broken by ids; then put back every dropped
    /// edge that no longer closes a cycle. Returns the acyclic plan and the edges finally dropped.
    /// </summary>
    public static (Plan Plan, IReadOnlyList<PlanEdge> Dropped) DropLowestPriorityEdges(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var nodes = PlanGraph.Nodes(plan);
        var edges = PlanGraph.Edges(plan).ToHashSet();
        var dropped = new List<PlanEdge>();
        while (true)
        {
            var cycles = PlanGraph.FindCycles(nodes.Keys, PlanGraph.Adjacency(nodes.Keys, edges));
            if (cycles.Count == 0)
            {
                break;
            }
            foreach (var cycle in cycles)
            {
                var weakest = CycleEdges(cycle)
                    .OrderBy(e => Math.Min(nodes[e.From].Priority, nodes[e.To].Priority))
                    .ThenBy(e => Math.Max(nodes[e.From].Priority, nodes[e.To].Priority))
                    .ThenBy(e => e.From, StringComparer.Ordinal)
                    .ThenBy(e => e.To, StringComparer.Ordinal)
                    .First();
                edges.Remove(weakest);
                dropped.Add(weakest);
            }
        }
        for (var i = dropped.Count - 1; i >= 0; i--)
        {
            edges.Add(dropped[i]);
            if (PlanGraph.FindCycles(nodes.Keys, PlanGraph.Adjacency(nodes.Keys, edges)).Count == 0)
            {
                dropped.RemoveAt(i);
            }
            else
            {
                edges.Remove(dropped[i]);
            }
        }
        dropped.Reverse();
        var removed = dropped.ToHashSet();
        var result = new Plan([.. plan.Subtasks.Select(s => s with
        {
            DependsOn = [.. (s.DependsOn ?? []).Where(d => !removed.Contains(new PlanEdge(s.Id, d)))],
        })]);
        return (result, [.. dropped.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)]);
    }

    /// <summary>Rung 3 alone: every subtask depends only on the one before it, in priority order (higher first), then id.</summary>
    public static Plan RunLinearly(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var ordered = PlanGraph.Nodes(plan).Values.Order(PlanGraph.ReadyOrder.Instance).ToList();
        return new Plan([.. ordered.Select((s, i) => s with { DependsOn = i == 0 ? [] : [ordered[i - 1].Id] })]);
    }

    private static IEnumerable<PlanEdge> CycleEdges(IReadOnlyList<string> cycle) =>
        cycle.Select((id, i) => new PlanEdge(id, cycle[(i + 1) % cycle.Count]));

    private static string? Judge(Plan? proposed)
    {
        if (proposed is null)
        {
            return "the model did not return a plan";
        }
        var errors = PlanValidator.Validate(proposed);
        if (errors.Count > 0)
        {
            return $"the model's plan is not valid: {string.Join("; ", errors.Take(5))}";
        }
        var cycles = PlanGraph.FindCycles(proposed);
        return cycles.Count > 0
            ? $"the model's plan still has a cycle: {string.Join("; ", cycles.Select(PlanGraph.Describe))}"
            : null;
    }
}
