namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>The mix of tasks a run submits.</summary>
public enum FleetTaskKind
{
    /// <summary>Planned as one subtask: write one file.</summary>
    Single,

    /// <summary>Planned as several subtasks, some in parallel (a small DAG).</summary>
    Planned,

    /// <summary>Planned, and submitted with <c>requirePlanApproval</c>; the harness approves the plan.</summary>
    Approval,

    /// <summary>Planned; the harness cancels it once it runs (it may finish first: then it is counted as such).</summary>
    Cancel,

    /// <summary>The scripted model fails this task's first attempt (a non-retryable model error), so the task is retried and then succeeds.</summary>
    ModelFailure,
}
