namespace Nightshift.Core.Planning;

/// <summary>
/// The dependency graph of a plan: order, parallel waves and cycles. Dependencies on unknown ids are ignored here
/// (the validator reports them); duplicate ids count once, the first occurrence wins.
/// </summary>
public static class PlanGraph
{
    /// <summary>Every dependency edge of <paramref name="plan"/> between known subtasks, deduplicated, in id order.</summary>
    public static IReadOnlyList<PlanEdge> Edges(Plan plan)
    {
        var nodes = Nodes(plan);
        return [.. nodes.Values
            .SelectMany(s => (s.DependsOn ?? []).Where(nodes.ContainsKey).Distinct(StringComparer.Ordinal).Select(d => new PlanEdge(s.Id, d)))
            .OrderBy(e => e.From, StringComparer.Ordinal)
            .ThenBy(e => e.To, StringComparer.Ordinal)];
    }

    public static bool IsAcyclic(Plan plan) => FindCycles(plan).Count == 0;

    /// <summary>
    /// One cycle per strongly connected group of subtasks, each as its ids in dependency order starting from the
    /// smallest id: [a, b, c] means a depends on b, b on c, c on a. The shortest such loop through that id is chosen.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> FindCycles(Plan plan)
    {
        var nodes = Nodes(plan);
        return FindCycles(nodes.Keys, Adjacency(nodes.Keys, Edges(plan)));
    }

    /// <summary>"a → b → c → a": a cycle as a person reads it (→ means "depends on").</summary>
    public static string Describe(IReadOnlyList<string> cycle) =>
        cycle.Count == 0 ? "" : string.Join(" → ", cycle.Append(cycle[0]));

    /// <summary>
    /// Subtasks in an order that runs every dependency first; among subtasks ready at the same time, higher
    /// priority first, then id.
    /// </summary>
    /// <exception cref="PlanCycleException">the plan has a cycle.</exception>
    public static IReadOnlyList<Subtask> TopologicalOrder(Plan plan)
    {
        var nodes = Nodes(plan);
        var edges = Edges(plan);
        var waiting = nodes.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var dependents = nodes.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            waiting[edge.From]++;
            dependents[edge.To].Add(edge.From);
        }
        var ready = new PriorityQueue<Subtask, Subtask>(ReadyOrder.Instance);
        foreach (var (id, count) in waiting)
        {
            if (count == 0)
            {
                ready.Enqueue(nodes[id], nodes[id]);
            }
        }
        var order = new List<Subtask>(nodes.Count);
        while (ready.TryDequeue(out var next, out _))
        {
            order.Add(next);
            foreach (var dependent in dependents[next.Id])
            {
                if (--waiting[dependent] == 0)
                {
                    ready.Enqueue(nodes[dependent], nodes[dependent]);
                }
            }
        }
        if (order.Count != nodes.Count)
        {
            throw new PlanCycleException([.. FindCycles(plan).Select(Describe)]);
        }
        return order;
    }

    /// <summary>
    /// Groups of subtasks that can run in parallel: wave n holds the subtasks whose longest chain of dependencies
    /// has n links. Each wave is ordered by priority (higher first), then id.
    /// </summary>
    /// <exception cref="PlanCycleException">the plan has a cycle.</exception>
    public static IReadOnlyList<IReadOnlyList<Subtask>> Waves(Plan plan)
    {
        var order = TopologicalOrder(plan);
        var nodes = Nodes(plan);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var subtask in order)
        {
            depth[subtask.Id] = (subtask.DependsOn ?? []).Where(nodes.ContainsKey).Select(d => depth[d] + 1).DefaultIfEmpty(0).Max();
        }
        return [.. order
            .GroupBy(s => depth[s.Id])
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<Subtask>)[.. g.Order(ReadyOrder.Instance)])];
    }

    internal static Dictionary<string, Subtask> Nodes(Plan plan)
    {
        var nodes = new Dictionary<string, Subtask>(StringComparer.Ordinal);
        foreach (var subtask in plan.Subtasks)
        {
            if (subtask?.Id is not null)
            {
                nodes.TryAdd(subtask.Id, subtask);
            }
        }
        return nodes;
    }

    internal static Dictionary<string, List<string>> Adjacency(IEnumerable<string> nodes, IEnumerable<PlanEdge> edges)
    {
        var adjacency = nodes.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            adjacency[edge.From].Add(edge.To);
        }
        foreach (var list in adjacency.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
        return adjacency;
    }

    internal static List<IReadOnlyList<string>> FindCycles(IEnumerable<string> nodes, Dictionary<string, List<string>> adjacency)
    {
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var component in StronglyConnected(nodes, adjacency).OrderBy(c => c.Min(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            var start = component.Min(StringComparer.Ordinal)!;
            if (component.Count == 1 && !adjacency[start].Contains(start, StringComparer.Ordinal))
            {
                continue;
            }
            cycles.Add(ShortestLoop(start, component, adjacency));
        }
        return cycles;
    }

    private static List<string> ShortestLoop(string start, HashSet<string> component, Dictionary<string, List<string>> adjacency)
    {
        // Breadth-first inside the component, neighbours in id order, so the loop found is short and the same every time.
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var next in adjacency[current])
            {
                if (!component.Contains(next))
                {
                    continue;
                }
                if (next == start)
                {
                    var loop = new List<string> { current };
                    while (loop[^1] != start)
                    {
                        loop.Add(parent[loop[^1]]);
                    }
                    loop.Reverse();
                    return loop;
                }
                if (parent.TryAdd(next, current))
                {
                    queue.Enqueue(next);
                }
            }
        }
        throw new InvalidOperationException("a strongly connected component without a loop back to its start");
    }

    private static List<HashSet<string>> StronglyConnected(IEnumerable<string> nodes, Dictionary<string, List<string>> adjacency)
    {
        // Tarjan's algorithm; plans are capped at a few dozen subtasks, so recursion depth is not a concern.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var components = new List<HashSet<string>>();
        var counter = 0;

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in adjacency[v])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] == index[v])
            {
                var component = new HashSet<string>(StringComparer.Ordinal);
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var node in nodes.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return components;
    }

    /// <summary>Higher priority first, then id: the order ready subtasks start in.</summary>
    internal sealed class ReadyOrder : IComparer<Subtask>
    {
        public static ReadyOrder Instance { get; } = new();

        public int Compare(Subtask? x, Subtask? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : 1) : -1;
            }
            var byPriority = y.Priority.CompareTo(x.Priority);
            return byPriority != 0 ? byPriority : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
