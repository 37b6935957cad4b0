namespace Nightshift.Core.Pipelines;

/// <summary>One token of a condition; <see cref="Column"/> is 1-based in the condition's text.</summary>
internal sealed record ConditionToken(ConditionTokenKind Kind, string Text, int Column)
{
    public double Number { get; init; }

    public PipelineReference? Reference { get; init; }
}
