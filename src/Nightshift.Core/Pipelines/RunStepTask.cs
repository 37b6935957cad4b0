namespace Nightshift.Core.Pipelines;

/// <summary>
/// What makes a task a step of a pipeline run (<see cref="Tasks.NewTask.RunStep"/>, stored with the task): the worker
/// continues the run's branch instead of starting one, and does what <see cref="Kind"/> says. Set by the coordinator,
/// never taken from a request body.
/// </summary>
public sealed record RunStepTask
{
    public const int MaxBodyLength = 60_000;

    public required string RunId { get; init; }

    /// <summary>The step's name (or <c>pull-request</c> for the run's publishing task).</summary>
    public required string Step { get; init; }

    public RunTaskKind Kind { get; init; } = RunTaskKind.Agent;

    /// <summary>The run's branch: checked out as the remote holds it (created from the base when missing) and pushed as a fast-forward.</summary>
    public required string Branch { get; init; }

    /// <summary>Command steps: the rendered script for <c>sh -c</c>.</summary>
    public string? Script { get; init; }

    /// <summary>Command steps: the values the script's placeholders name (<c>NIGHTSHIFT_VALUE_n</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the task may run; null: the worker's usual deadline.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Agent steps: the most the task may spend on model calls, in dollars.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>
    /// Pull request tasks: the branch the pull request is opened from. Null: <see cref="Branch"/> itself; otherwise this
    /// branch is first pointed at <see cref="Branch"/>'s head (per-step pull requests).
    /// </summary>
    public string? PublishBranch { get; init; }

    /// <summary>Pull request tasks: the title (one line) and body (markdown, made safe by the coordinator).</summary>
    public string? PullRequestTitle { get; init; }

    public string? PullRequestBody { get; init; }

    /// <summary>Pull request tasks: open it as a draft marked for review.</summary>
    public bool Draft { get; init; }
}
