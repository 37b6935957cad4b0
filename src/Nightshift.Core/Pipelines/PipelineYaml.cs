using System.Text;

namespace Nightshift.Core.Pipelines;

/// <summary>Reads and checks pipeline YAML (YamlDotNet's parser, no type instantiation from tags).</summary>
public static class PipelineYaml
{
    /// <summary>The largest pipeline file read.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>The most problems reported for one file; past it, the last one says how many more there are.</summary>
    public const int MaxProblems = 100;

    /// <summary>
    /// Parses <paramref name="text"/> and validates it (unknown keys, duplicate names, unknown steps in depends_on,
    /// cycles named step by step, templates naming a step that is not an ancestor or an undeclared input, conditions
    /// that do not parse, bad schedules); never throws on bad input. <paramref name="file"/> names the file in problems.
    /// Every problem found is reported, sorted by line and column.
    /// </summary>
    public static PipelineParseResult Parse(string text, string file)
    {
        file = string.IsNullOrEmpty(file) ? "pipeline.yml" : file;
        var problems = new List<PipelineProblem>();
        if (text is null || text.Length == 0 || text.All(char.IsWhiteSpace))
        {
            problems.Add(new PipelineProblem(file, 1, 1, "the file is empty; write a mapping with at least 'name:' and 'steps:'"));
            return new PipelineParseResult(null, problems);
        }
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
        {
            problems.Add(new PipelineProblem(file, 1, 1, $"the file is {bytes} bytes; at most {MaxBytes} are read — keep long instructions short or split the pipeline"));
            return new PipelineParseResult(null, problems);
        }
        if (ControlCharacter(text) is { } bad)
        {
            problems.Add(new PipelineProblem(file, bad.Line, bad.Column,
                $"the file holds the control character U+{(int)bad.Character:X4}; a pipeline file is plain text — remove it"));
            return new PipelineParseResult(null, problems);
        }
        var root = YamlTreeReader.Read(text, file, problems);
        if (root is null)
        {
            return new PipelineParseResult(null, Sorted(problems));
        }
        var definition = new PipelineValidator(file, problems).Validate(root);
        return problems.Count == 0 ? new PipelineParseResult(definition, []) : new PipelineParseResult(null, Sorted(problems));
    }

    /// <summary>The first character YAML does not allow in a file (tabs and line ends aside), with its position.</summary>
    private static (int Line, int Column, char Character)? ControlCharacter(string text)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            else if (char.IsControl(c) && c is not ('\t' or '\r') && c is not (>= '\u0080' and <= '\u009f'))
            {
                return (line, i - lineStart + 1, c);
            }
        }
        return null;
    }

    private static List<PipelineProblem> Sorted(List<PipelineProblem> problems)
    {
        var sorted = problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
        if (sorted.Count <= MaxProblems)
        {
            return sorted;
        }
        var next = sorted[MaxProblems];
        var kept = sorted.Take(MaxProblems).ToList();
        kept.Add(next with { Message = $"{sorted.Count - MaxProblems} more problems from here on are not listed; fix the ones above first" });
        return kept;
    }
}
