namespace Nightshift.Core.Pipelines;

/// <summary>
/// What <see cref="RunPlanner.Plan"/> decided for one pass over a run. The coordinator submits <see cref="Starts"/>
/// (then records each step running with its task and a <c>step.started</c> event), cancels <see cref="CancelTasks"/>,
/// and writes <see cref="Steps"/>, <see cref="Events"/> and <see cref="State"/>. When <see cref="Ending"/> is set the
/// run ends — after the pull request task of <see cref="PullRequest"/> ended, when that is set too.
/// </summary>
public sealed record RunPlan
{
    /// <summary>The run's state after this pass (running, awaiting approval, or the ending's state).</summary>
    public RunState State { get; init; }

    /// <summary>True when this pass moved the run out of queued (the rows and <c>run.started</c> are in this plan).</summary>
    public bool Started { get; init; }

    /// <summary>Step rows that changed (state, output, reason, times), not counting the steps to start.</summary>
    public IReadOnlyList<RunStepRecord> Steps { get; init; } = [];

    /// <summary>Events to append, in order (type, JSON object).</summary>
    public IReadOnlyList<(string Type, string DataJson)> Events { get; init; } = [];

    /// <summary>Steps whose task is to be submitted now.</summary>
    public IReadOnlyList<StepStart> Starts { get; init; } = [];

    /// <summary>Tasks of running steps to cancel (the run was cancelled).</summary>
    public IReadOnlyList<string> CancelTasks { get; init; } = [];

    /// <summary>Per-step pull requests to submit (pull_request: per_step), one per step that pushed a change in this pass.</summary>
    public IReadOnlyList<PullRequestPlan> StepPullRequests { get; init; } = [];

    /// <summary>The run's end, when every step has ended; null while it goes on.</summary>
    public RunEnding? Ending { get; init; }

    /// <summary>The run's pull request to open before it ends (pull_request: end, some step pushed a change, the run did not fail).</summary>
    public PullRequestPlan? PullRequest { get; init; }
}
