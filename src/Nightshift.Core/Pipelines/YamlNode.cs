namespace Nightshift.Core.Pipelines;

/// <summary>
/// A node of a pipeline file as read by <see cref="YamlTreeReader"/>: YamlDotNet's events made into a small tree that
/// keeps every position and every mapping entry, duplicates included, so that validation can name each problem's line.
/// </summary>
internal sealed class YamlNode(YamlNodeKind kind, int line, int column)
{
    public YamlNodeKind Kind { get; } = kind;

    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>Scalars: the text (never null; an empty plain scalar is "").</summary>
    public string Value { get; init; } = "";

    /// <summary>Scalars: written without quotes or block indicators, so "null", "~", "true" keep their YAML meaning.</summary>
    public bool Plain { get; init; }

    /// <summary>Scalars written on one line without escapes: the value starts at <see cref="ValueColumn"/> in the file.</summary>
    public bool ColumnsMapped { get; init; }

    /// <summary>The file column of the scalar's first character of value (after an opening quote).</summary>
    public int ValueColumn { get; init; }

    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = [];

    public List<YamlNode> Items { get; } = [];

    /// <summary>A plain scalar YAML reads as null: empty, "~" or "null".</summary>
    public bool IsNull => Kind == YamlNodeKind.Scalar && Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>The file column of character <paramref name="expressionColumn"/> (1-based) of this scalar's value, where known.</summary>
    public int MapColumn(int expressionColumn) =>
        ColumnsMapped && expressionColumn > 0 ? ValueColumn + expressionColumn - 1 : Column;
}
