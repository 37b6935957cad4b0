using System.Text.Json;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// One step of a run: the definition's part (kind, dependencies, condition, approval; null for a step the snapshot
/// does not name, such as the run's <c>pull-request</c> task) merged with the stored row (state, task, output, reason).
/// </summary>
public sealed record RunStepView(
    string Name,
    string? Kind,
    IReadOnlyList<string> DependsOn,
    string? Condition,
    bool RequiresApproval,
    string? OnFailure,
    string State,
    string? TaskId,
    JsonElement? Output,
    string? Reason,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
