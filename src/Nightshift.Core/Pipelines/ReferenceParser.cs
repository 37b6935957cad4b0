namespace Nightshift.Core.Pipelines;

/// <summary>Reads one reference (<c>inputs.NAME</c>, <c>steps.NAME.status</c>, <c>steps.NAME.output.KEY…</c>) for conditions and templates.</summary>
internal static class ReferenceParser
{
    public const int MaxSegments = 16;

    public const string Forms = "steps.NAME.status, steps.NAME.output.KEY or inputs.NAME";

    public static bool IsSegmentChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    /// <summary>
    /// Makes a reference of dotted <paramref name="segments"/> that started at <paramref name="column"/> (1-based), or
    /// throws naming what is wrong with it.
    /// </summary>
    public static PipelineReference Build(IReadOnlyList<string> segments, int column)
    {
        var text = string.Join('.', segments);
        if (segments.Count > MaxSegments)
        {
            throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}' has more than {MaxSegments} parts; outputs are read at most {MaxSegments - 3} keys deep", column);
        }
        if (segments.Any(s => s.Length == 0))
        {
            throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}' has an empty part (two dots, or a dot at an end); write {Forms}", column);
        }
        switch (segments[0])
        {
            case "inputs" when segments.Count == 2:
                return new PipelineReference("inputs", segments[1], [], column);
            case "inputs":
                throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}' is not an input reference; write inputs.NAME (inputs are plain text, without keys)", column);
            case "steps" when segments.Count == 3 && segments[2] == "status":
                return new PipelineReference("steps", segments[1], ["status"], column);
            case "steps" when segments.Count >= 4 && segments[2] == "output":
                return new PipelineReference("steps", segments[1], segments.Skip(2).ToArray(), column);
            case "steps" when segments.Count == 3 && segments[2] == "output":
                throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}' names a whole output; name one key of it: steps.{segments[1]}.output.KEY", column);
            case "steps" when segments.Count < 3:
                throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}' is incomplete; write steps.NAME.status or steps.NAME.output.KEY", column);
            case "steps":
                throw new PipelineExpressionException($"'{YamlTreeReader.Clip(text)}': a step has only 'status' and 'output.KEY'; write steps.{segments[1]}.status or steps.{segments[1]}.output.KEY", column);
            default:
                throw new PipelineExpressionException($"unknown name '{YamlTreeReader.Clip(text)}'; a reference is {Forms} (text needs quotes: 'like this')", column);
        }
    }
}
