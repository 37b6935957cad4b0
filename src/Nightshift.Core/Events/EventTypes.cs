namespace Nightshift.Core.Events;

/// <summary>The catalogue of event types (<c>noun.verb</c>); see docs/INTERFACES.md.</summary>
public static class EventTypes
{
    public const string TaskQueued = "task.queued";
    public const string TaskStarted = "task.started";
    public const string TaskPhase = "task.phase";
    public const string TaskCancelRequested = "task.cancel_requested";
    public const string TaskReleased = "task.released";
    public const string TaskRetrying = "task.retrying";
    public const string TaskSucceeded = "task.succeeded";
    public const string TaskFailed = "task.failed";
    public const string TaskCancelled = "task.cancelled";
    public const string TaskTimedOut = "task.timed_out";
    public const string TaskNeedsReview = "task.needs_review";

    /// <summary>The last attempt failed too: the task is dead, and the payload lists every attempt's reason.</summary>
    public const string TaskDead = "task.dead";
    public const string TaskCheckpoint = "task.checkpoint";

    /// <summary>A person sent the running or queued task a message; the agent reads it at its next model turn.</summary>
    public const string TaskMessage = "task.message";

    /// <summary>The agent asked a clarifying question; the task waits (awaiting_input) for the answer.</summary>
    public const string TaskQuestion = "task.question";

    /// <summary>The question was answered (or its wait ran out into the default answer); the task is queued to resume.</summary>
    public const string TaskAnswered = "task.answered";
    public const string WorkspaceReady = "workspace.ready";

    /// <summary>The repository's setup result was restored from the setup cache; no setup command ran.</summary>
    public const string SetupCacheHit = "setup.cache_hit";

    /// <summary>The setup cache had nothing to restore, so setup ran (and its result was stored, or why not).</summary>
    public const string SetupCacheMiss = "setup.cache_miss";
    public const string PlanPartial = "plan.partial";
    public const string PlanReady = "plan.ready";
    public const string PlanAwaitingApproval = "plan.awaiting_approval";
    public const string PlanApproved = "plan.approved";
    public const string PlanRejected = "plan.rejected";

    /// <summary>Planning was not run for this task (Agent:Planning is never, or auto and the instruction is short).</summary>
    public const string PlanSkipped = "plan.skipped";

    /// <summary>The plan agent gave no usable plan; the whole instruction runs as one subtask.</summary>
    public const string PlanFallback = "plan.fallback";

    /// <summary>One rung of the cycle recovery ladder was taken.</summary>
    public const string PlanCycleRecovery = "plan.cycle_recovery";
    public const string SubtaskStarted = "subtask.started";
    public const string SubtaskCompleted = "subtask.completed";
    public const string SubtaskFailed = "subtask.failed";

    /// <summary>A resumed attempt skips a subtask an earlier attempt finished (same fingerprint).</summary>
    public const string SubtaskSkipped = "subtask.skipped";

    /// <summary>A subtask built in a worktree of its own was merged into the task branch.</summary>
    public const string SubtaskMerged = "subtask.merged";

    /// <summary>Merging a subtask into the task branch conflicted; the build agent is asked to resolve it.</summary>
    public const string SubtaskConflicted = "subtask.conflicted";
    public const string ModelRequest = "model.request";
    public const string ModelResponse = "model.response";
    public const string ModelFallback = "model.fallback";
    public const string ToolCall = "tool.call";
    public const string ToolResult = "tool.result";
    public const string CommandOutput = "command.output";
    public const string ContextCompacted = "context.compacted";
    public const string VerifyStarted = "verify.started";
    public const string VerifyBaseline = "verify.baseline";
    public const string VerifyPassed = "verify.passed";
    public const string VerifyFailed = "verify.failed";

    /// <summary>Verification kept failing the same way; the remaining rounds use the debugging prompt.</summary>
    public const string VerifyDebugMode = "verify.debug_mode";
    /// <summary>A networked command's egress proxy connected it to a host (host, port, address, phase, command).</summary>
    public const string NetworkAllowed = "network.allowed";

    /// <summary>A networked command's egress proxy refused a connection, and why (a private address, a name that did not resolve…).</summary>
    public const string NetworkDenied = "network.denied";

    /// <summary>The repository's .nightshift.yml asked for more network than the operator's Sandbox:Network ceiling allows; it got the ceiling.</summary>
    public const string NetworkCapped = "network.capped";

    /// <summary>The repository's .nightshift.yml asked for resource limits above the operator's Sandbox:MaxLimits; it got the maxima.</summary>
    public const string LimitsCapped = "limits.capped";
    public const string CommitCreated = "commit.created";
    public const string BranchPushed = "branch.pushed";
    public const string PrOpened = "pr.opened";

    // A pipeline run's own log (GET /api/v1/runs/{id}/events), not a task's.
    public const string RunStarted = "run.started";
    public const string RunSucceeded = "run.succeeded";
    public const string RunNeedsReview = "run.needs_review";
    public const string RunFailed = "run.failed";
    public const string RunCancelled = "run.cancelled";
    public const string StepStarted = "step.started";
    public const string StepSkipped = "step.skipped";
    public const string StepAwaitingApproval = "step.awaiting_approval";
    public const string StepApproved = "step.approved";
    public const string StepRejected = "step.rejected";
    public const string StepSucceeded = "step.succeeded";
    public const string StepFailed = "step.failed";

    /// <summary>The event a final status is announced with.</summary>
    public static string ForFinalStatus(Tasks.TaskState status) => status switch
    {
        Tasks.TaskState.Succeeded => TaskSucceeded,
        Tasks.TaskState.Failed => TaskFailed,
        Tasks.TaskState.Cancelled => TaskCancelled,
        Tasks.TaskState.TimedOut => TaskTimedOut,
        Tasks.TaskState.NeedsReview => TaskNeedsReview,
        Tasks.TaskState.Dead => TaskDead,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a final status"),
    };

    /// <summary>True for names of the form noun.verb in lowercase letters, digits and underscores.</summary>
    public static bool IsWellFormed(string? type) =>
        type is { Length: > 2 and <= 64 }
        && type.Count(c => c == '.') == 1
        && !type.StartsWith('.') && !type.EndsWith('.')
        && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.');
}
