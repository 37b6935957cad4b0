namespace Nightshift.Server.Dashboard;

/// <summary>
/// A run's steps as a graph (nodes = steps, arrows = <c>depends_on</c>), laid out like a task's plan (<see cref="DagLayout"/>):
/// left to right, or top to bottom for narrow screens.
/// </summary>
internal sealed class RunGraph
{
    private RunGraph(IReadOnlyList<RunNode> nodes, DagPlacement placement)
    {
        Nodes = nodes;
        Width = placement.Width;
        Height = placement.Height;
        Narrow = placement.Narrow;
    }

    public bool Narrow { get; }

    public double NodeWidth => Narrow ? DagLayout.NarrowNodeWidth : DagLayout.WideNodeWidth;

    /// <summary>How many characters of a step's name fit in a node.</summary>
    public int TitleFit => Narrow ? 34 : 26;

    public IReadOnlyList<RunNode> Nodes { get; }

    public double Width { get; }

    public double Height { get; }

    public RunNode? Find(string name) => Nodes.FirstOrDefault(n => n.Step.Name == name);

    /// <summary>Null when the run has no steps yet (a repository pipeline not read yet).</summary>
    public static RunGraph? Build(IReadOnlyList<RunPageStep> steps, bool narrow = false)
    {
        if (steps.Count == 0)
        {
            return null;
        }
        var byName = new Dictionary<string, RunPageStep>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            byName.TryAdd(step.Name, step);
        }
        var placement = DagLayout.Place([.. byName.Values.Select(s => new DagItem(s.Name, s.DependsOn))], narrow);
        return new RunGraph([.. placement.Slots.Select(slot => new RunNode(byName[slot.Id], slot.X, slot.Y))], placement);
    }

    public string EdgePath(RunNode from, RunNode to) => DagLayout.EdgePath(from.X, from.Y, to.X, to.Y, Narrow);
}
