using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

/// <summary>Every directed graph without self-loops on a few nodes, as plans; node i is "n{i}".</summary>
internal static class Exhaustive
{
    public static IEnumerable<(Plan Plan, HashSet<PlanEdge> Edges)> Graphs(int nodes, int[] priorities)
    {
        var possible = new List<PlanEdge>();
        for (var from = 0; from < nodes; from++)
        {
            for (var to = 0; to < nodes; to++)
            {
                if (from != to)
                {
                    possible.Add(new PlanEdge($"n{from}", $"n{to}"));
                }
            }
        }
        for (var mask = 0; mask < 1 << possible.Count; mask++)
        {
            var edges = possible.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
            var subtasks = Enumerable.Range(0, nodes).Select(i => Plans.Task(
                $"n{i}",
                priorities[i],
                [.. edges.Where(e => e.From == $"n{i}").Select(e => e.To)]));
            yield return (new Plan([.. subtasks]), edges);
        }
    }

    /// <summary>Repeatedly removes nodes without outgoing edges; a leftover means a cycle.</summary>
    public static bool IsCyclic(int nodes, IEnumerable<PlanEdge> edges)
    {
        var left = Enumerable.Range(0, nodes).Select(i => $"n{i}").ToHashSet();
        var remaining = edges.ToList();
        while (true)
        {
            var sink = left.FirstOrDefault(n => !remaining.Any(e => e.From == n));
            if (sink is null)
            {
                return left.Count > 0;
            }
            left.Remove(sink);
            remaining.RemoveAll(e => e.To == sink);
        }
    }

    public static string Show(IEnumerable<PlanEdge> edges) => "edges: " + string.Join(", ", edges.Order(Comparer<PlanEdge>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))));
}
