using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pages.Pipelines;

/// <summary>A registered pipeline as the pipelines page lists it: the record, its parsed definition and its newest run.</summary>
internal sealed record PipelineRow(PipelineRecord Record, PipelineDefinition? Definition, string? Problem, RunRecord? LastRun)
{
    /// <summary>The inputs the run form asks for, in the order declared.</summary>
    public IReadOnlyList<PipelineInput> Inputs => Definition?.Inputs ?? [];
}
