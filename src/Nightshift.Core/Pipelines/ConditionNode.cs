namespace Nightshift.Core.Pipelines;

/// <summary>A node of a parsed condition: a literal, a reference, not/and/or, or a comparison (<see cref="Operator"/>).</summary>
internal sealed record ConditionNode(ConditionNodeKind Kind, int Column)
{
    public ExpressionValue? Literal { get; init; }

    public PipelineReference? Reference { get; init; }

    public string Operator { get; init; } = "";

    public ConditionNode? Left { get; init; }

    public ConditionNode? Right { get; init; }
}
