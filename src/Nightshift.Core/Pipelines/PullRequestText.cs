using System.Text;
using Nightshift.Core.Text;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// The title and body of a run's pull request. Everything a step wrote (reasons, outputs) is hostile text: it is
/// flattened to one line, markdown is escaped (table cells) or held in code spans that no backtick can close, and
/// @mentions are defused, so a step cannot ping people, inject links or break the table.
/// </summary>
public static class PullRequestText
{
    public const int MaxTitleLength = 200;
    private const int MaxCellChars = 500;
    private const int MaxOutputChars = 2_000;

    /// <summary><c>&lt;pipeline&gt;: &lt;description or a count of steps&gt;</c>, one line of at most <see cref="MaxTitleLength"/> characters.</summary>
    public static string Title(PipelineDefinition definition, IReadOnlyList<RunStepRecord> steps, string? suffix = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(steps);
        var summary = string.IsNullOrWhiteSpace(definition.Description)
            ? $"{steps.Count(s => s.State == StepState.Succeeded)} of {steps.Count} steps succeeded"
            : definition.Description;
        var title = $"{definition.Name}: {summary}{(suffix is null ? "" : $" ({suffix})")}";
        return Defuse(SafeText.Clean(title, MaxTitleLength));
    }

    /// <summary>A markdown table of the steps (name, state, reason), then each output in a code span; at most <see cref="RunStepTask.MaxBodyLength"/> characters.</summary>
    public static string Body(PipelineDefinition definition, RunRecord run, IReadOnlyList<RunStepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        var body = new StringBuilder();
        body.Append("Pipeline **").Append(Cell(definition.Name)).Append("**, run ").Append(Code(run.Id))
            .Append(" on branch ").Append(Code(run.Branch)).Append(".\n\n");
        body.Append("| step | state | reason |\n|---|---|---|\n");
        foreach (var step in steps)
        {
            body.Append("| ").Append(Cell(step.Name)).Append(" | ").Append(step.State.ToWire()).Append(" | ")
                .Append(Cell(step.Reason)).Append(" |\n");
        }
        var outputs = steps.Where(s => !string.IsNullOrEmpty(s.Output)).ToList();
        if (outputs.Count > 0)
        {
            body.Append("\nOutputs:\n\n");
            foreach (var step in outputs)
            {
                var line = $"- {Cell(step.Name)}: {Code(step.Output!, MaxOutputChars)}\n";
                if (body.Length + line.Length > RunStepTask.MaxBodyLength - 100)
                {
                    body.Append("- (more outputs are on the run's page)\n");
                    break;
                }
                body.Append(line);
            }
        }
        var text = body.ToString();
        return text.Length <= RunStepTask.MaxBodyLength ? text : text[..(RunStepTask.MaxBodyLength - 1)] + "…";
    }

    /// <summary>Text for a table cell: one line, markdown and HTML characters escaped, mentions defused.</summary>
    public static string Cell(string? text)
    {
        var flat = SafeText.Clean(text, MaxCellChars);
        var escaped = new StringBuilder(flat.Length + 8);
        foreach (var c in flat)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '!' or '~' or '(' or ')')
            {
                escaped.Append('\\').Append(c);
            }
            else if (c == '<')
            {
                escaped.Append("&lt;");
            }
            else if (c == '>')
            {
                escaped.Append("&gt;");
            }
            else if (c == '&')
            {
                escaped.Append("&amp;");
            }
            else
            {
                escaped.Append(c);
            }
        }
        return Defuse(escaped.ToString());
    }

    /// <summary>Text in a code span whose fence is longer than any run of backticks inside it, so nothing closes it early.</summary>
    public static string Code(string text, int maxChars = MaxCellChars)
    {
        var flat = SafeText.Clean(text, maxChars);
        var longest = 0;
        var current = 0;
        foreach (var c in flat)
        {
            current = c == '`' ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }
        var fence = new string('`', longest + 1);
        // A space on each side keeps a leading or trailing backtick inside the span.
        return $"{fence} {Defuse(flat)} {fence}";
    }

    private static string Defuse(string text) => text.Replace("@", "@\u200b", StringComparison.Ordinal);
}
