using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// One step of a run as the run page shows it: what the definition says of it (kind, dependencies, condition, approval)
/// and what the store says happened (state, task, output, reason). <see cref="Kind"/> is null for a step the definition
/// does not name (the run's <c>pull-request</c> task).
/// </summary>
internal sealed record RunPageStep(string Name, StepState State)
{
    public string? Kind { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public string? Condition { get; init; }

    public bool RequiresApproval { get; init; }

    public FailurePolicy OnFailure { get; init; } = FailurePolicy.Stop;

    public string? TaskId { get; init; }

    /// <summary>The output object, indented for reading; shown as text.</summary>
    public string? Output { get; init; }

    public string? Reason { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string StateWire => State.ToWire();
}
