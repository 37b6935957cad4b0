using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Planning;
using Nightshift.Core.Usage;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// The plan as a DAG: left to right, a subtask one column right of its deepest dependency; or, for narrow screens
/// (<see cref="Narrow"/>), top to bottom, one subtask per row in the same order, the arrows between rows that are not
/// next to each other running in a gutter on the left. Laid out on the server so the drawing is there without scripts;
/// the page re-renders it as subtask events arrive.
/// </summary>
internal sealed class PlanGraph
{
    public const double NodeHeight = DagLayout.NodeHeight;

    /// <summary>The narrow drawing's width: it fits a 375 px phone's panel (about 300 px) and scales down below that.</summary>
    public const double NarrowWidth = DagLayout.NarrowWidth;

    private PlanGraph(IReadOnlyList<PlanNode> nodes, double width, double height, bool narrow)
    {
        Nodes = nodes;
        Width = width;
        Height = height;
        Narrow = narrow;
    }

    /// <summary>Laid out top to bottom, for narrow screens.</summary>
    public bool Narrow { get; }

    public double NodeWidth => Narrow ? DagLayout.NarrowNodeWidth : DagLayout.WideNodeWidth;

    /// <summary>How many characters of a title fit in a node.</summary>
    public int TitleFit => Narrow ? 34 : 26;

    public IReadOnlyList<PlanNode> Nodes { get; }

    public double Width { get; }

    public double Height { get; }

    public PlanNode? Find(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>
    /// Null when <paramref name="planJson"/> is not a plan of subtasks (the page then shows the JSON as it is). Each node
    /// carries the tokens and cost <paramref name="usage"/> records for its subtask.
    /// </summary>
    public static PlanGraph? Build(string? planJson, IEnumerable<Core.Events.TaskEvent> events, TaskUsageBreakdown? usage = null, bool narrow = false)
    {
        var parsed = PlanParser.Parse(planJson);
        if (parsed.Plan is not { Subtasks.Count: > 0 } plan)
        {
            return null;
        }
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var state = e.Type switch
            {
                EventTypes.SubtaskStarted => "running",
                EventTypes.SubtaskCompleted => "done",
                EventTypes.SubtaskFailed => "failed",
                _ => null,
            };
            if (state is null)
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(e.Data);
                if (Timeline.SubtaskId(document.RootElement) is { } id)
                {
                    states[id] = state;
                }
            }
            catch (JsonException)
            {
            }
        }

        var byId = plan.Subtasks.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var placement = DagLayout.Place([.. plan.Subtasks.Select(s => new DagItem(s.Id, s.DependsOn))], narrow);
        var nodes = placement.Slots.Select(slot => Node(byId[slot.Id], slot.X, slot.Y)).ToList();
        return new PlanGraph(nodes, placement.Width, placement.Height, narrow);

        PlanNode Node(Subtask subtask, double x, double y) => new(
            subtask.Id,
            subtask.Title,
            [.. subtask.DependsOn.Where(byId.ContainsKey)],
            states.GetValueOrDefault(subtask.Id, "pending"),
            x,
            y)
        {
            Usage = usage?.For(subtask.Id),
        };
    }

    /// <summary>
    /// The arrow from <paramref name="from"/> to <paramref name="to"/> as an SVG path: right edge to left edge when wide;
    /// when narrow, straight down between neighbouring rows, else out of the left edge, through the gutter (further out
    /// the more rows it spans, so arrows stay apart) and into the left edge.
    /// </summary>
    public string EdgePath(PlanNode from, PlanNode to) => DagLayout.EdgePath(from.X, from.Y, to.X, to.Y, Narrow);

    /// <summary>Cuts a title to what fits in a node.</summary>
    public static string Fit(string text, int max = 26) => DagLayout.Fit(text, max);
}
