namespace Nightshift.Core.Pipelines;

/// <summary>The order of a valid definition's steps.</summary>
public static class PipelineGraph
{
    /// <summary>Topological layers: every step after all it depends on; steps of one layer in the order written.</summary>
    /// <exception cref="InvalidOperationException">the definition names an unknown step or has a cycle (<see cref="PipelineYaml.Parse"/> refuses both).</exception>
    public static IReadOnlyList<IReadOnlyList<string>> Layers(PipelineDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var waiting = new Dictionary<string, int>(StringComparer.Ordinal);
        var dependents = definition.Steps.ToDictionary(s => s.Name, _ => new List<string>(), StringComparer.Ordinal);
        var order = definition.Steps.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            var dependencies = step.DependsOn.Distinct(StringComparer.Ordinal).ToArray();
            foreach (var dependency in dependencies)
            {
                if (!dependents.TryGetValue(dependency, out var list))
                {
                    throw new InvalidOperationException($"step '{step.Name}' depends on '{dependency}', which is not a step of pipeline '{definition.Name}'");
                }
                list.Add(step.Name);
            }
            waiting[step.Name] = dependencies.Length;
        }
        var layers = new List<IReadOnlyList<string>>();
        var ready = definition.Steps.Where(s => waiting[s.Name] == 0).Select(s => s.Name).ToList();
        var placed = 0;
        while (ready.Count > 0)
        {
            layers.Add(ready);
            placed += ready.Count;
            var next = new List<string>();
            foreach (var name in ready)
            {
                foreach (var dependent in dependents[name])
                {
                    if (--waiting[dependent] == 0)
                    {
                        next.Add(dependent);
                    }
                }
            }
            ready = next.OrderBy(n => order[n]).ToList();
        }
        if (placed != definition.Steps.Count)
        {
            var stuck = definition.Steps.Where(s => waiting[s.Name] > 0).Select(s => s.Name);
            throw new InvalidOperationException($"the steps of pipeline '{definition.Name}' have a cycle among {string.Join(", ", stuck)}; validate it with PipelineYaml.Parse");
        }
        return layers;
    }

    /// <summary>Every step <paramref name="step"/> depends on, directly or not.</summary>
    public static IReadOnlySet<string> Ancestors(PipelineDefinition definition, string step)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var dependencies = definition.Steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal);
        return Ancestors(dependencies, step);
    }

    /// <summary>Ancestors over a name → dependencies map; safe on cycles and unknown names (used while validating).</summary>
    internal static HashSet<string> Ancestors(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies, string step)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(step);
        while (pending.Count > 0)
        {
            if (!dependencies.TryGetValue(pending.Pop(), out var direct))
            {
                continue;
            }
            foreach (var dependency in direct)
            {
                if (found.Add(dependency))
                {
                    pending.Push(dependency);
                }
            }
        }
        return found;
    }

    /// <summary>
    /// One cycle per strongly connected group of steps (self-dependencies excluded), each as the steps in dependency
    /// order starting at the one written first: ["a", "b", "c"] means a depends on b, b on c, c on a.
    /// </summary>
    internal static List<List<string>> FindCycles(IReadOnlyList<string> written, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var order = written.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        IEnumerable<string> Next(string name) => dependencies.TryGetValue(name, out var d)
            ? d.Where(x => order.ContainsKey(x) && x != name).Distinct(StringComparer.Ordinal)
            : [];
        var cycles = new List<List<string>>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in written)
        {
            if (covered.Contains(start))
            {
                continue;
            }
            var path = ShortestPathBack(start, Next);
            if (path is null)
            {
                continue;
            }
            var reachable = Reach(start, Next);
            covered.UnionWith(reachable.Where(r => Reach(r, Next).Contains(start)));
            covered.Add(start);
            cycles.Add(path);
        }
        return cycles;
    }

    /// <summary>The shortest way from <paramref name="start"/> back to itself (breadth first), or null.</summary>
    private static List<string>? ShortestPathBack(string start, Func<string, IEnumerable<string>> next)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var target in next(current))
            {
                if (target == start)
                {
                    var path = new List<string> { current };
                    while (path[^1] != start)
                    {
                        path.Add(parent[path[^1]]);
                    }
                    path.Reverse();
                    return path;
                }
                if (parent.TryAdd(target, current))
                {
                    queue.Enqueue(target);
                }
            }
        }
        return null;
    }

    private static HashSet<string> Reach(string start, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            foreach (var target in next(pending.Pop()))
            {
                if (seen.Add(target))
                {
                    pending.Push(target);
                }
            }
        }
        return seen;
    }
}
