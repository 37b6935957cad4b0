using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Planning;
using Nightshift.Core.Usage;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// The plan as a left-to-right DAG: a subtask sits one column right of its deepest dependency. Laid out on the server so
/// the drawing is there without scripts; the page re-renders it as subtask events arrive.
/// </summary>
internal sealed class PlanGraph
{
    public const double NodeWidth = 200;
    public const double NodeHeight = 74;
    private const double ColumnGap = 56;
    private const double RowGap = 20;
    private const double Margin = 8;

    private PlanGraph(IReadOnlyList<PlanNode> nodes, double width, double height)
    {
        Nodes = nodes;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<PlanNode> Nodes { get; }

    public double Width { get; }

    public double Height { get; }

    public PlanNode? Find(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>
    /// Null when <paramref name="planJson"/> is not a plan of subtasks (the page then shows the JSON as it is). Each node
    /// carries the tokens and cost <paramref name="usage"/> records for its subtask.
    /// </summary>
    public static PlanGraph? Build(string? planJson, IEnumerable<Core.Events.TaskEvent> events, TaskUsageBreakdown? usage = null)
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
        var rows = 0;
        foreach (var column in columns)
        {
            var row = 0;
            foreach (var subtask in column)
            {
                nodes.Add(new PlanNode(
                    subtask.Id,
                    subtask.Title,
                    [.. subtask.DependsOn.Where(byId.ContainsKey)],
                    states.GetValueOrDefault(subtask.Id, "pending"),
                    Margin + (column.Key * (NodeWidth + ColumnGap)),
                    Margin + (row * (NodeHeight + RowGap)))
                {
                    Usage = usage?.For(subtask.Id),
                });
                row++;
            }
            rows = Math.Max(rows, row);
        }
        var width = (2 * Margin) + (columns.Count * NodeWidth) + ((columns.Count - 1) * ColumnGap);
        var height = (2 * Margin) + (rows * NodeHeight) + ((rows - 1) * RowGap);
        return new PlanGraph(nodes, width, height);
    }

    /// <summary>Cuts a title to what fits in a node.</summary>
    public static string Fit(string text, int max = 26) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
