using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s with YamlDotNet's event parser. Anchors, aliases and custom tags
/// are refused (no alias is ever expanded, so a "billion laughs" document costs its own length), and nesting and node
/// count are bounded so that no input can exhaust the stack or memory.
/// </summary>
internal static class YamlTreeReader
{
    public const int MaxDepth = 32;
    public const int MaxNodes = 20_000;

    private static readonly HashSet<string> StandardTags = new(StringComparer.Ordinal)
    {
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!",
    };

    /// <summary>The document's root, or null with at least one problem added.</summary>
    public static YamlNode? Read(string text, string file, List<PipelineProblem> problems)
    {
        var stack = new Stack<(YamlNode Node, YamlNode? PendingKey)>();
        YamlNode? root = null;
        var documents = 0;
        var nodes = 0;
        var lastLine = 1;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                var current = parser.Current;
                lastLine = (int)(current?.End.Line ?? 1);
                switch (current)
                {
                    case DocumentStart start when !start.IsImplicit || documents > 0:
                        documents++;
                        if (documents > 1)
                        {
                            problems.Add(Problem(file, start.Start, "the file holds more than one YAML document (a second '---'); write one pipeline per file"));
                            return null;
                        }
                        break;
                    case DocumentStart:
                        documents++;
                        break;
                    case AnchorAlias alias:
                        problems.Add(Problem(file, alias.Start, $"aliases (*{Clip(alias.Value.Value)}) are not read; write the value out in full"));
                        return null;
                    case NodeEvent node:
                        if (!node.Anchor.IsEmpty)
                        {
                            problems.Add(Problem(file, node.Start, $"anchors (&{Clip(node.Anchor.Value)}) are not read; write each value out in full"));
                            return null;
                        }
                        if (!node.Tag.IsEmpty && !StandardTags.Contains(node.Tag.Value))
                        {
                            problems.Add(Problem(file, node.Start, $"the tag '{Clip(node.Tag.Value)}' is not read; write the plain value without a tag"));
                            return null;
                        }
                        if (++nodes > MaxNodes)
                        {
                            problems.Add(Problem(file, node.Start, $"the file holds more than {MaxNodes} YAML values; a pipeline needs far fewer — split it"));
                            return null;
                        }
                        var made = Make(node);
                        if (made.Kind != YamlNodeKind.Scalar && stack.Count >= MaxDepth)
                        {
                            problems.Add(Problem(file, node.Start, $"values are nested more than {MaxDepth} levels deep; a pipeline needs at most a few"));
                            return null;
                        }
                        Attach(stack, made, ref root);
                        if (made.Kind != YamlNodeKind.Scalar)
                        {
                            stack.Push((made, null));
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.Pop();
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            var inner = Unwrap(e);
            var (line, column) = ((int)inner.Start.Line, (int)inner.Start.Column);
            var hint = "fix the syntax at this position";
            // YamlDotNet reports a tab used as indentation without a position; find it after the last value read.
            if (inner.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && IndentingTab(text, lastLine) is { } tab)
            {
                (line, column) = tab;
                hint = "indent with spaces, not tabs";
            }
            problems.Add(new PipelineProblem(file, Math.Max(1, line), Math.Max(1, column),
                $"not valid YAML: {Clip(inner.Message, 300).TrimEnd('.')}; {hint}"));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            problems.Add(new PipelineProblem(file, 1, 1, $"not valid YAML: {Clip(e.Message, 300)}"));
            return null;
        }
        if (root is null || root.IsNull)
        {
            problems.Add(new PipelineProblem(file, 1, 1, "the file is empty; write a mapping with at least 'name:' and 'steps:'"));
            return null;
        }
        return root;
    }

    private static YamlNode Make(NodeEvent node)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        switch (node)
        {
            case Scalar scalar:
                var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
                var oneLine = node.Start.Line == node.End.Line;
                var width = (int)(node.End.Column - node.Start.Column);
                var mapped = oneLine && (scalar.Style == ScalarStyle.Plain
                    ? width == scalar.Value.Length
                    : quoted && width == scalar.Value.Length + 2);
                return new YamlNode(YamlNodeKind.Scalar, line, column)
                {
                    Value = scalar.Value,
                    Plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty,
                    ColumnsMapped = mapped,
                    ValueColumn = column + (quoted ? 1 : 0),
                };
            case MappingStart:
                return new YamlNode(YamlNodeKind.Mapping, line, column);
            default:
                return new YamlNode(YamlNodeKind.Sequence, line, column);
        }
    }

    private static void Attach(Stack<(YamlNode Node, YamlNode? PendingKey)> stack, YamlNode node, ref YamlNode? root)
    {
        if (stack.Count == 0)
        {
            root = node;
            return;
        }
        var (parent, pendingKey) = stack.Pop();
        if (parent.Kind == YamlNodeKind.Sequence)
        {
            parent.Items.Add(node);
            stack.Push((parent, null));
        }
        else if (pendingKey is null)
        {
            stack.Push((parent, node));
        }
        else
        {
            parent.Entries.Add(new KeyValuePair<YamlNode, YamlNode>(pendingKey, node));
            stack.Push((parent, null));
        }
    }

    /// <summary>The first tab in a line's leading whitespace, from line <paramref name="fromLine"/> on.</summary>
    private static (int Line, int Column)? IndentingTab(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            var line = lines[i];
            for (var c = 0; c < line.Length && line[c] is ' ' or '\t'; c++)
            {
                if (line[c] == '\t')
                {
                    return (i + 1, c + 1);
                }
            }
        }
        return null;
    }

    private static YamlException Unwrap(YamlException e) => e.InnerException is YamlException inner ? Unwrap(inner) : e;

    private static PipelineProblem Problem(string file, Mark mark, string message) =>
        new(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column), message);

    internal static string Clip(string text, int max = 60) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}
