using System.Text;
using Spectre.Console;

namespace Nightshift.Cli.Output;

/// <summary>
/// Plain columns that fit a width: fixed columns are never cut; the flexible ones give way, in the order given, down
/// to their floor, and their cells end in "…" when cut. Cells must already be clean (<see cref="Core.Text.SafeText"/>).
/// </summary>
internal static class ColumnTable
{
    private const string Gap = "  ";
    private const int Floor = 6;

    /// <param name="shrinkOrder">indexes of the columns that may be cut, the first to give way first.</param>
    public static IReadOnlyList<string> Lines(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, int width, params int[] shrinkOrder)
    {
        var widths = headers.Select((header, i) => rows.Select(r => r[i].GetCellWidth()).Prepend(header.Length).Max()).ToArray();
        var excess = widths.Sum() + (Gap.Length * (widths.Length - 1)) - Math.Max(width, 1);
        foreach (var column in shrinkOrder)
        {
            if (excess <= 0)
            {
                break;
            }
            var floor = Math.Min(widths[column], Math.Max(Floor, headers[column].Length));
            var take = Math.Min(excess, widths[column] - floor);
            widths[column] -= take;
            excess -= take;
        }
        var lines = new List<string>(rows.Count + 1) { Line([.. headers], widths) };
        lines.AddRange(rows.Select(r => Line(r, widths)));
        return lines;
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = TaskTable.Fit(cells[i], widths[i]);
            line.Append(cell);
            if (i < cells.Length - 1)
            {
                line.Append(' ', Math.Max(0, widths[i] - cell.GetCellWidth())).Append(Gap);
            }
        }
        return line.ToString().TrimEnd();
    }
}
