namespace Nightshift.Core.Pipelines;

/// <summary>One thing wrong with a pipeline file, where it is (1-based line and column) and how to fix it.</summary>
public sealed record PipelineProblem(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
