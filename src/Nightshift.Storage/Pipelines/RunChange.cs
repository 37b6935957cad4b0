using Nightshift.Core.Pipelines;

namespace Nightshift.Storage.Pipelines;

/// <summary>
/// What one step of the coordinator changes in a run (see <see cref="IPipelineStore.ApplyAsync"/>): null members are left
/// as they are.
/// </summary>
public sealed record RunChange
{
    public RunState? State { get; init; }

    public string? Reason { get; init; }

    public string? PullRequest { get; init; }

    /// <summary>A repository pipeline's definition, once read.</summary>
    public string? Yaml { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Step rows to insert or replace (by run and name).</summary>
    public IReadOnlyList<RunStepRecord> Steps { get; init; } = [];

    /// <summary>Events to append, in order: (type, JSON object).</summary>
    public IReadOnlyList<(string Type, string DataJson)> Events { get; init; } = [];
}
