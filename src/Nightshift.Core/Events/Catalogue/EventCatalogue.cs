using Nightshift.Core.Events.Payloads;

namespace Nightshift.Core.Events.Catalogue;

/// <summary>
/// Every event type mapped to the record its payload is serialized from (with <see cref="Serialization.NightshiftJson"/>'s
/// options). docs/INTERFACES.md's event catalogue is rendered from this list and the records' documentation
/// (<see cref="EventCatalogueMarkdown"/>), and a test keeps the two equal.
/// </summary>
public static class EventCatalogue
{
    /// <summary>The namespace every payload record lives in.</summary>
    public const string PayloadNamespace = "Nightshift.Core.Events.Payloads";

    public static IReadOnlyList<EventCatalogueEntry> Entries { get; } =
    [
        Of<TaskQueuedPayload>(EventTypes.TaskQueued, "The task was submitted, or a person queued a finished task again."),
        Of<TaskStartedPayload>(EventTypes.TaskStarted, "A worker claimed the task and an attempt started."),
        Of<TaskPhasePayload>(EventTypes.TaskPhase, "The running task moved to another phase."),
        Of<TaskCancelRequestedPayload>(EventTypes.TaskCancelRequested, "Cancelling the running task was asked for."),
        Of<TaskReleasedPayload>(EventTypes.TaskReleased, "A worker handed the task back to the queue on shutdown."),
        Of<TaskRetryingPayload>(EventTypes.TaskRetrying, "The attempt failed and the task waits for another."),
        Of<TaskFinishedPayload>(EventTypes.TaskSucceeded, "The task ended with its change verified (or its question answered)."),
        Of<TaskFinishedPayload>(EventTypes.TaskFailed, "The task ended in a failure no retry would fix."),
        Of<TaskFinishedPayload>(EventTypes.TaskCancelled, "The task was cancelled."),
        Of<TaskFinishedPayload>(EventTypes.TaskTimedOut, "The task ran out of time, or its plan waited too long for approval."),
        Of<TaskFinishedPayload>(EventTypes.TaskNeedsReview, "The change was published as a draft for a person to review."),
        Of<TaskDeadPayload>(EventTypes.TaskDead, "Every allowed attempt failed: the task is dead."),
        Of<TaskCheckpointPayload>(EventTypes.TaskCheckpoint, "The executor stored the state a later attempt resumes from."),
        Of<TaskMessagePayload>(EventTypes.TaskMessage, "A person sent the task a message."),
        Of<TaskQuestionPayload>(EventTypes.TaskQuestion, "The agent asked a question and the task waits for the answer."),
        Of<TaskAnsweredPayload>(EventTypes.TaskAnswered, "The question was answered (or timed out); the task resumes."),
        Of<WorkspaceReadyPayload>(EventTypes.WorkspaceReady, "The task's worktree is ready."),
        Of<SetupCacheHitPayload>(EventTypes.SetupCacheHit, "The repository's setup was restored from the setup cache instead of run."),
        Of<SetupCacheMissPayload>(EventTypes.SetupCacheMiss, "Setup ran because the setup cache had nothing to restore; whether its result was stored."),
        Of<PlanPartialPayload>(EventTypes.PlanPartial, "A subtask of a plan being submitted, before it is checked."),
        Of<PlanReadyPayload>(EventTypes.PlanReady, "The plan is settled."),
        Of<PlanAwaitingApprovalPayload>(EventTypes.PlanAwaitingApproval, "The plan waits for a person's approval."),
        Of<PlanApprovedPayload>(EventTypes.PlanApproved, "A person approved the plan."),
        Of<PlanRejectedPayload>(EventTypes.PlanRejected, "A person rejected the plan."),
        Of<PlanSkippedPayload>(EventTypes.PlanSkipped, "Planning was not run for this task."),
        Of<PlanFallbackPayload>(EventTypes.PlanFallback, "The plan agent gave no usable plan; the instruction runs as one subtask."),
        Of<PlanCycleRecoveryPayload>(EventTypes.PlanCycleRecovery, "One rung of the cycle recovery ladder was taken."),
        Of<SubtaskStartedPayload>(EventTypes.SubtaskStarted, "A subtask started building."),
        Of<SubtaskCompletedPayload>(EventTypes.SubtaskCompleted, "A subtask was built."),
        Of<SubtaskFailedPayload>(EventTypes.SubtaskFailed, "A subtask could not be built."),
        Of<SubtaskSkippedPayload>(EventTypes.SubtaskSkipped, "A subtask is not built in this attempt."),
        Of<SubtaskMergedPayload>(EventTypes.SubtaskMerged, "A subtask's own worktree was merged into the task branch."),
        Of<SubtaskConflictedPayload>(EventTypes.SubtaskConflicted, "Merging a subtask conflicted; the build agent resolves it."),
        Of<ModelRequestPayload>(EventTypes.ModelRequest, "A model call is about to be made."),
        Of<ModelResponsePayload>(EventTypes.ModelResponse, "A model call returned (tokens, cost)."),
        Of<ModelFallbackPayload>(EventTypes.ModelFallback, "A model failed and the next one of the fallback chain is tried."),
        Of<ToolCallPayload>(EventTypes.ToolCall, "The model called a tool."),
        Of<ToolResultPayload>(EventTypes.ToolResult, "A tool call returned."),
        Of<CommandOutputPayload>(EventTypes.CommandOutput, "Lines a jailed command printed."),
        Of<ContextCompactedPayload>(EventTypes.ContextCompacted, "Older turns were folded into a summary."),
        Of<VerifyStartedPayload>(EventTypes.VerifyStarted, "A verification run started."),
        Of<VerifyBaselinePayload>(EventTypes.VerifyBaseline, "The tests ran on the untouched base."),
        Of<VerifyVerdictPayload>(EventTypes.VerifyPassed, "Verification passed."),
        Of<VerifyVerdictPayload>(EventTypes.VerifyFailed, "Verification failed."),
        Of<VerifyDebugModePayload>(EventTypes.VerifyDebugMode, "Verification kept failing the same way; the debugging prompt takes over."),
        Of<NetworkDecisionPayload>(EventTypes.NetworkAllowed, "The egress proxy connected a networked command to a host."),
        Of<NetworkDecisionPayload>(EventTypes.NetworkDenied, "The egress proxy refused a networked command's connection."),
        Of<NetworkCappedPayload>(EventTypes.NetworkCapped, "The repository asked for more network than the operator allows; it got the ceiling."),
        Of<LimitsCappedPayload>(EventTypes.LimitsCapped, "The repository asked for higher resource limits than the operator allows; it got the maxima."),
        Of<CommitCreatedPayload>(EventTypes.CommitCreated, "A commit was made on the task branch or a subtask's branch."),
        Of<BranchPushedPayload>(EventTypes.BranchPushed, "The task branch was pushed."),
        Of<PrOpenedPayload>(EventTypes.PrOpened, "The pull request was opened."),
        Of<RunStartedPayload>(EventTypes.RunStarted, "A pipeline run started (run log)."),
        Of<RunFinishedPayload>(EventTypes.RunSucceeded, "Every step of the run that ran succeeded (run log)."),
        Of<RunFinishedPayload>(EventTypes.RunNeedsReview, "The run ended, but a step failed under on_failure: continue (run log)."),
        Of<RunFinishedPayload>(EventTypes.RunFailed, "A step failed and stopped the run, or the run could not start (run log)."),
        Of<RunFinishedPayload>(EventTypes.RunCancelled, "The run was cancelled (run log)."),
        Of<StepStartedPayload>(EventTypes.StepStarted, "A step's task was submitted (run log)."),
        Of<StepSkippedPayload>(EventTypes.StepSkipped, "A step will not run, and why (run log)."),
        Of<StepAwaitingApprovalPayload>(EventTypes.StepAwaitingApproval, "A step waits for a person's approval (run log)."),
        Of<StepDecisionPayload>(EventTypes.StepApproved, "A person approved a waiting step (run log)."),
        Of<StepDecisionPayload>(EventTypes.StepRejected, "A person rejected a waiting step; it is skipped (run log)."),
        Of<StepFinishedPayload>(EventTypes.StepSucceeded, "A step succeeded, with its output (run log)."),
        Of<StepFinishedPayload>(EventTypes.StepFailed, "A step failed, and whether the run goes on (run log)."),
    ];

    /// <summary>The entry for <paramref name="type"/>, or null when the catalogue does not know it.</summary>
    public static EventCatalogueEntry? Find(string type) => Entries.FirstOrDefault(e => string.Equals(e.Type, type, StringComparison.Ordinal));

    /// <summary>Every constant of <see cref="EventTypes"/>.</summary>
    public static IReadOnlyList<string> AllTypes() =>
    [
        .. typeof(EventTypes)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!),
    ];

    private static EventCatalogueEntry Of<T>(string type, string description) => new(type, typeof(T).Name, typeof(T), description);

}
