namespace Nightshift.Server.Dashboard;

/// <summary>
/// How the dashboard draws a graph of dependencies (a task's plan, a pipeline run's steps): left to right, a node one
/// column right of its deepest dependency; or, for narrow screens, top to bottom, one node per row in the same order,
/// the arrows between rows that are not next to each other running in a gutter on the left. Laid out on the server so
/// the drawing is there without scripts.
/// </summary>
internal static class DagLayout
{
    public const double NodeHeight = 74;

    public const double WideNodeWidth = 200;

    public const double NarrowNodeWidth = 256;

    /// <summary>The narrow drawing's width: it fits a 375 px phone's panel (about 300 px) and scales down below that.</summary>
    public const double NarrowWidth = (2 * Margin) + Gutter + NarrowNodeWidth;

    private const double ColumnGap = 56;
    private const double RowGap = 20;
    private const double Margin = 8;
    private const double Gutter = 28;

    /// <summary>Places <paramref name="items"/> (in the order given within a column); a cycle does not loop.</summary>
    public static DagPlacement Place(IReadOnlyList<DagItem> items, bool narrow)
    {
        var byId = new Dictionary<string, DagItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            byId.TryAdd(item.Id, item);
        }
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string id, int guard)
        {
            if (depth.TryGetValue(id, out var known))
            {
                return known;
            }
            // A cycle must not loop: past the node count, stop climbing.
            var d = guard > byId.Count ? 0 : byId[id].DependsOn.Where(byId.ContainsKey).Select(p => Depth(p, guard + 1) + 1).DefaultIfEmpty(0).Max();
            depth[id] = d;
            return d;
        }

        var columns = byId.Values.GroupBy(i => Depth(i.Id, 0)).OrderBy(g => g.Key).ToList();
        var slots = new List<DagSlot>();
        if (columns.Count == 0)
        {
            return new DagPlacement(slots, narrow ? NarrowWidth : 2 * Margin, 2 * Margin, narrow);
        }
        if (narrow)
        {
            foreach (var item in columns.SelectMany(c => c))
            {
                slots.Add(new DagSlot(item.Id, Margin + Gutter, Margin + (slots.Count * (NodeHeight + RowGap))));
            }
            return new DagPlacement(slots, NarrowWidth, (2 * Margin) + (slots.Count * NodeHeight) + ((slots.Count - 1) * RowGap), narrow);
        }
        var rows = 0;
        foreach (var column in columns)
        {
            var row = 0;
            foreach (var item in column)
            {
                slots.Add(new DagSlot(item.Id, Margin + (column.Key * (WideNodeWidth + ColumnGap)), Margin + (row * (NodeHeight + RowGap))));
                row++;
            }
            rows = Math.Max(rows, row);
        }
        var width = (2 * Margin) + (columns.Count * WideNodeWidth) + ((columns.Count - 1) * ColumnGap);
        var height = (2 * Margin) + (rows * NodeHeight) + ((rows - 1) * RowGap);
        return new DagPlacement(slots, width, height, narrow);
    }

    /// <summary>
    /// The arrow from the node at (<paramref name="fromX"/>, <paramref name="fromY"/>) to the one at (<paramref name="toX"/>,
    /// <paramref name="toY"/>) as an SVG path: right edge to left edge when wide; when narrow, straight down between
    /// neighbouring rows, else out of the left edge, through the gutter (further out the more rows it spans, so arrows
    /// stay apart) and into the left edge.
    /// </summary>
    public static string EdgePath(double fromX, double fromY, double toX, double toY, bool narrow)
    {
        var h = NodeHeight;
        if (!narrow)
        {
            var x1 = fromX + WideNodeWidth;
            var y1 = fromY + (h / 2);
            var mid = (x1 + toX) / 2;
            return $"M {F(x1)} {F(y1)} C {F(mid)} {F(y1)}, {F(mid)} {F(toY + (h / 2))}, {F(toX)} {F(toY + (h / 2))}";
        }
        if (toY > fromY && toY - fromY <= NodeHeight + RowGap + 0.5)
        {
            var x = fromX + (NarrowNodeWidth / 2);
            return $"M {F(x)} {F(fromY + h)} L {F(x)} {F(toY)}";
        }
        var span = Math.Abs(toY - fromY) / (NodeHeight + RowGap);
        var reach = Math.Max(Margin, fromX - Math.Min(Gutter, 8 + (span * 6)));
        var ya = fromY + (h / 2);
        var yb = toY + (h / 2);
        return $"M {F(fromX)} {F(ya)} C {F(reach)} {F(ya)}, {F(reach)} {F(yb)}, {F(toX)} {F(yb)}";
    }

    /// <summary>A coordinate as SVG reads it.</summary>
    public static string F(double v) => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Cuts a title to what fits in a node.</summary>
    public static string Fit(string text, int max = 26) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
