namespace Nightshift.Core.Pipelines;

/// <summary>One step of one run as stored (a row per step of the definition, made when the definition is known).</summary>
public sealed record RunStepRecord
{
    public const int MaxOutputBytes = 64 * 1024;

    public required string RunId { get; init; }

    public required string Name { get; init; }

    public StepState State { get; init; }

    /// <summary>The task that runs (or ran) the step; null while none was submitted.</summary>
    public string? TaskId { get; init; }

    /// <summary>The step's output: a JSON object (at most <see cref="MaxOutputBytes"/>), or null.</summary>
    public string? Output { get; init; }

    /// <summary>Why it failed or was skipped, in words for a person.</summary>
    public string? Reason { get; init; }

    /// <summary>Who approved (or rejected) it, for steps that require approval.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}
