using System.Text;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// Text with <c>{{ reference }}</c> placeholders (see <see cref="PipelineReference"/>; spaces inside the braces are
/// optional). There is no escape: a literal <c>{{</c> cannot be written.
/// </summary>
public sealed class PipelineTemplate
{
    /// <summary>The longest text <see cref="Render"/> makes (an agent step's instruction) and the most value text <see cref="RenderShell"/> passes.</summary>
    public const int MaxRenderedLength = PipelineStep.MaxInstructionLength;

    private readonly IReadOnlyList<TemplateSegment> segments;

    private PipelineTemplate(IReadOnlyList<TemplateSegment> segments)
    {
        this.segments = segments;
        References = segments.Where(s => s.Reference is not null).Select(s => s.Reference!).ToArray();
    }

    public IReadOnlyList<PipelineReference> References { get; private init; }

    /// <exception cref="PipelineExpressionException">an unterminated or malformed placeholder.</exception>
    public static PipelineTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<TemplateSegment>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add(new TemplateSegment(text[position..], null));
                break;
            }
            if (open > position)
            {
                segments.Add(new TemplateSegment(text[position..open], null));
            }
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new PipelineExpressionException("'{{' starts a placeholder that is not closed; end it with '}}' (a literal '{{' cannot be written)", open + 1);
            }
            segments.Add(new TemplateSegment(text[open..(close + 2)], Placeholder(text, open + 2, close)));
            position = close + 2;
        }
        return new PipelineTemplate(segments);
    }

    /// <summary>The text with every placeholder replaced by its value (an object or array as compact JSON).</summary>
    /// <exception cref="PipelineExpressionException">a reference has no value (names it), or the text grows past <see cref="MaxRenderedLength"/>.</exception>
    public string Render(PipelineValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            text.Append(segment.Reference is null ? segment.Text : ValueText(segment.Reference, values));
            if (text.Length > MaxRenderedLength)
            {
                throw new PipelineExpressionException($"the text with its values filled in is over {MaxRenderedLength} characters; refer to shorter outputs (a count or a file name rather than a whole report)");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// For <c>sh -c</c>: each placeholder becomes <c>"${NIGHTSHIFT_VALUE_n}"</c> (n from 1 per distinct reference; inside
    /// double quotes just <c>${NIGHTSHIFT_VALUE_n}</c>, inside single quotes the quote is closed around it) and the value
    /// goes into the environment, so no value is ever parsed by the shell.
    /// </summary>
    /// <exception cref="PipelineExpressionException">a reference has no value, a value holds a NUL character, or the values are over <see cref="MaxRenderedLength"/> characters.</exception>
    public RenderedCommand RenderShell(PipelineValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var script = new StringBuilder();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var quoting = ShellQuoting.None;
        var total = 0;
        var escaping = false;
        foreach (var segment in segments)
        {
            if (segment.Reference is null)
            {
                script.Append(segment.Text);
                quoting = Advance(quoting, segment.Text, out escaping);
                continue;
            }
            if (escaping)
            {
                throw new PipelineExpressionException($"a placeholder cannot follow a '\\' in a command (the shell would escape what stands for the value); remove the backslash before {segment.Text}", segment.Reference.Column);
            }
            var key = segment.Reference.ToString();
            if (!names.TryGetValue(key, out var name))
            {
                var value = ValueText(segment.Reference, values);
                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    throw new PipelineExpressionException($"{{{{ {key} }}}} holds a NUL character, which a command's environment cannot carry; have the step print text without it", segment.Reference.Column);
                }
                total += value.Length;
                if (total > MaxRenderedLength)
                {
                    throw new PipelineExpressionException($"the command's values are over {MaxRenderedLength} characters together; refer to shorter outputs (write long ones to a file in an earlier step)", segment.Reference.Column);
                }
                name = $"NIGHTSHIFT_VALUE_{names.Count + 1}";
                names[key] = name;
                environment[name] = value;
            }
            script.Append(quoting switch
            {
                ShellQuoting.Double => $"${{{name}}}",
                ShellQuoting.Single => $"'\"${{{name}}}\"'",
                _ => $"\"${{{name}}}\"",
            });
        }
        return new RenderedCommand(script.ToString(), environment);
    }

    /// <summary>Throws what <see cref="RenderShell"/> would refuse whatever the values: a placeholder right after a backslash.</summary>
    internal void CheckShell()
    {
        var quoting = ShellQuoting.None;
        var escaping = false;
        foreach (var segment in segments)
        {
            if (segment.Reference is null)
            {
                quoting = Advance(quoting, segment.Text, out escaping);
            }
            else if (escaping)
            {
                throw new PipelineExpressionException($"a placeholder cannot follow a '\\' in a command (the shell would escape what stands for the value); remove the backslash before {segment.Text}", segment.Reference.Column);
            }
        }
    }

    private static PipelineReference Placeholder(string text, int start, int end)
    {
        var first = start;
        while (first < end && char.IsWhiteSpace(text[first]))
        {
            first++;
        }
        var last = end;
        while (last > first && char.IsWhiteSpace(text[last - 1]))
        {
            last--;
        }
        if (first == last)
        {
            throw new PipelineExpressionException($"the placeholder is empty; write a reference inside: {ReferenceParser.Forms}", start - 1);
        }
        var inner = text[first..last];
        for (var i = 0; i < inner.Length; i++)
        {
            if (!ReferenceParser.IsSegmentChar(inner[i]) && inner[i] != '.')
            {
                throw new PipelineExpressionException(
                    $"'{ConditionLexer.Describe(inner[i])}' cannot be in a placeholder; it holds one reference ({ReferenceParser.Forms}), no expressions or filters",
                    first + i + 1);
            }
        }
        return ReferenceParser.Build(inner.Split('.'), first + 1);
    }

    private static string ValueText(PipelineReference reference, PipelineValues values)
    {
        var value = ValueResolver.Resolve(reference, values);
        if (value.Kind == ExpressionValueKind.Null)
        {
            throw new PipelineExpressionException($"{{{{ {reference} }}}} has no value: {WhyMissing(reference, values)}", reference.Column);
        }
        return value.Kind switch
        {
            ExpressionValueKind.Boolean => value.Boolean ? "true" : "false",
            _ => value.Text,
        };
    }

    private static string WhyMissing(PipelineReference reference, PipelineValues values)
    {
        if (reference.Root == "inputs")
        {
            return $"the run was not given the input '{reference.Name}'; give it (--input {reference.Name}=VALUE) or declare a default";
        }
        if (!values.Steps.TryGetValue(reference.Name, out var step))
        {
            return $"step '{reference.Name}' has not ended (or was never run); make this step depend on it";
        }
        return step.Output is null
            ? $"step '{reference.Name}' ({step.Status}) has no output; its command's last line of output must be a JSON object"
            : $"step '{reference.Name}' ({step.Status}) has no '{string.Join('.', reference.Path.Skip(1))}' in its output (or it is null)";
    }

    /// <summary>The quoting in effect after <paramref name="text"/>, starting in <paramref name="quoting"/>.</summary>
    private static ShellQuoting Advance(ShellQuoting quoting, string text, out bool escaping)
    {
        escaping = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (quoting)
            {
                case ShellQuoting.Single:
                    if (c == '\'')
                    {
                        quoting = ShellQuoting.None;
                    }
                    break;
                case ShellQuoting.Double:
                    if (c == '\\')
                    {
                        escaping = ++i >= text.Length;
                    }
                    else if (c == '"')
                    {
                        quoting = ShellQuoting.None;
                    }
                    break;
                default:
                    if (c == '\\')
                    {
                        escaping = ++i >= text.Length;
                    }
                    else if (c == '\'')
                    {
                        quoting = ShellQuoting.Single;
                    }
                    else if (c == '"')
                    {
                        quoting = ShellQuoting.Double;
                    }
                    break;
            }
        }
        return quoting;
    }
}
