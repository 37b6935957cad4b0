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

    /// <summary>Columns padded to their widest cell; the first column left-aligned, the others right-aligned.</summary>
    public string ToText(string indent = "  ")
    {
        var widths = Headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend([.. Headers]))
        {
            text.Append(indent);
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == 0 ? row[i].PadRight(widths[i]) : "  " + row[i].PadLeft(widths[i]));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Headers.Select(Escape)).Append(" |\n");
        text.Append('|').AppendJoin('|', Headers.Select((_, i) => i == 0 ? "---" : "---:")).Append("|\n");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).Append(" |\n");
        }
        return text.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
