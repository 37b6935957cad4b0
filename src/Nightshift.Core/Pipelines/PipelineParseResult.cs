namespace Nightshift.Core.Pipelines;

/// <summary>What <see cref="PipelineYaml.Parse"/> made of a file: the definition when it has no problems, else every problem found.</summary>
public sealed record PipelineParseResult(PipelineDefinition? Definition, IReadOnlyList<PipelineProblem> Problems)
{
    public bool Ok => Definition is not null && Problems.Count == 0;
}
