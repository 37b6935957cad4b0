using System.Text;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>A table of text cells, written aligned for a terminal or as a Markdown table.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Headers { get; } = headers;

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"a row needs {Headers.Count} cells, got {cells.Length}", nameof(cells));
        }
        _rows.Add(cells);
        return this;
    }

    /// <summary>Columns padded to their widest cell; columns of figures right-aligned, the others left-aligned.</summary>
    public string ToText(string indent = "  ")
    {
        var widths = Headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var right = Headers.Select((_, i) => IsFigures(i)).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend([.. Headers]))
        {
            text.Append(indent);
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == 0 ? "" : "  ").Append(right[i] ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
            }
            text.Append('\n');
        }
        return string.Join('\n', text.ToString().Split('\n').Select(line => line.TrimEnd()));
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Headers.Select(Escape)).Append(" |\n");
        text.Append('|').AppendJoin('|', Headers.Select((_, i) => IsFigures(i) ? "---:" : "---")).Append("|\n");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).Append(" |\n");
        }
        return text.ToString();
    }

    /// <summary>A column is of figures when every cell starts with a digit or is a dash (no value).</summary>
    private bool IsFigures(int column) =>
        _rows.Count > 0 && _rows.All(r => r[column].Length > 0 && (char.IsAsciiDigit(r[column][0]) || r[column] == "–"));

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
