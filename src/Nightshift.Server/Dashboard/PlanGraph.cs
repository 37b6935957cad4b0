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
    public const double NodeHeight = 74;

    /// <summary>The narrow drawing's width: it fits a 375 px phone's panel (about 300 px) and scales down below that.</summary>
    public const double NarrowWidth = (2 * Margin) + Gutter + NarrowNodeWidth;

    private const double WideNodeWidth = 200;
    private const double NarrowNodeWidth = 256;
    private const double ColumnGap = 56;
    private const double RowGap = 20;
    private const double Margin = 8;
    private const double Gutter = 28;

    private PlanGraph(IReadOnlyList<PlanNode> nodes, double width, double height, bool narrow)
    {
        Nodes = nodes;
        Width = width;
        Height = height;
        Narrow = narrow;
    }

    /// <summary>Laid out top to bottom, for narrow screens.</summary>
    public bool Narrow { get; }

    public double NodeWidth => Narrow ? NarrowNodeWidth : WideNodeWidth;

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
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string id, int guard)
        {
            if (depth.TryGetValue(id, out var known))
            {
                return known;
            }
            // A cycle (the plan awaits recovery) must not loop: past the subtask count, stop climbing.
            var d = guard > byId.Count ? 0 : byId[id].DependsOn.Where(byId.ContainsKey).Select(p => Depth(p, guard + 1) + 1).DefaultIfEmpty(0).Max();
            depth[id] = d;
            return d;
        }

        var columns = plan.Subtasks.GroupBy(s => Depth(s.Id, 0)).OrderBy(g => g.Key).ToList();
        var nodes = new List<PlanNode>();
        if (narrow)
        {
            foreach (var subtask in columns.SelectMany(c => c))
            {
                nodes.Add(Node(subtask, Margin + Gutter, Margin + (nodes.Count * (NodeHeight + RowGap))));
            }
            return new PlanGraph(nodes, NarrowWidth, (2 * Margin) + (nodes.Count * NodeHeight) + ((nodes.Count - 1) * RowGap), narrow: true);
        }
        var rows = 0;
        foreach (var column in columns)
        {
            var row = 0;
            foreach (var subtask in column)
            {
                nodes.Add(Node(subtask, Margin + (column.Key * (WideNodeWidth + ColumnGap)), Margin + (row * (NodeHeight + RowGap))));
                row++;
            }
            rows = Math.Max(rows, row);
        }
        var width = (2 * Margin) + (columns.Count * WideNodeWidth) + ((columns.Count - 1) * ColumnGap);
        var height = (2 * Margin) + (rows * NodeHeight) + ((rows - 1) * RowGap);
        return new PlanGraph(nodes, width, height, narrow: false);

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
    public string EdgePath(PlanNode from, PlanNode to)
    {
        var h = NodeHeight;
        if (!Narrow)
        {
            var x1 = from.X + WideNodeWidth;
            var y1 = from.Y + (h / 2);
            var mid = (x1 + to.X) / 2;
            return $"M {F(x1)} {F(y1)} C {F(mid)} {F(y1)}, {F(mid)} {F(to.Y + (h / 2))}, {F(to.X)} {F(to.Y + (h / 2))}";
        }
        if (to.Y > from.Y && to.Y - from.Y <= NodeHeight + RowGap + 0.5)
        {
            var x = from.X + (NarrowNodeWidth / 2);
            return $"M {F(x)} {F(from.Y + h)} L {F(x)} {F(to.Y)}";
        }
        var span = Math.Abs(to.Y - from.Y) / (NodeHeight + RowGap);
        var reach = Math.Max(Margin, from.X - Math.Min(Gutter, 8 + (span * 6)));
        var ya = from.Y + (h / 2);
        var yb = to.Y + (h / 2);
        return $"M {F(from.X)} {F(ya)} C {F(reach)} {F(ya)}, {F(reach)} {F(yb)}, {F(to.X)} {F(yb)}";
    }

    private static string F(double v) => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Cuts a title to what fits in a node.</summary>
    public static string Fit(string text, int max = 26) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
