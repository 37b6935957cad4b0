namespace Nightshift.Core.Pipelines;

/// <summary>
/// Everything <see cref="RunPlanner.Plan"/> decides from: the run's definition, the run (state, inputs, cancel
/// requested), its step rows as stored (a missing row counts as pending), and how the tasks of its steps ended
/// (by step name; only tasks that ended).
/// </summary>
public sealed record RunPlanInput
{
    public required PipelineDefinition Definition { get; init; }

    public required RunRecord Run { get; init; }

    public IReadOnlyList<RunStepRecord> Steps { get; init; } = [];

    public IReadOnlyDictionary<string, StepTaskResult> TaskResults { get; init; } = new Dictionary<string, StepTaskResult>();

    public DateTimeOffset Now { get; init; }
}
