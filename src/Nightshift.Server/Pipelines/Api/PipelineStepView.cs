using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>A step of a pipeline's definition: what it is and what it waits for (enough to draw the graph).</summary>
public sealed record PipelineStepView(
    string Name,
    string Kind,
    IReadOnlyList<string> DependsOn,
    string? Condition,
    bool RequiresApproval,
    string OnFailure)
{
    public static PipelineStepView From(PipelineStep step) => new(
        step.Name,
        Wire(step.Kind),
        step.DependsOn,
        step.Condition,
        step.RequiresApproval,
        step.OnFailure == FailurePolicy.Continue ? "continue" : "stop");

    public static string Wire(PipelineStepKind kind) => kind == PipelineStepKind.Command ? "command" : "agent";
}
