using Nightshift.Core.Execution;

namespace Nightshift.Agent.Execution;

/// <summary>One step on the path of a task (prepare, plan, build, verify, publish), run by the executor in that order.</summary>
internal interface ITaskPhase
{
    /// <summary>
    /// The checkpoint stage that completes this phase: a resumed attempt whose checkpoint has reached it has nothing
    /// left to do here, so the phase is skipped. Null for a phase that always runs (publishing skips its own finished
    /// steps).
    /// </summary>
    CheckpointStage? DoneAt { get; }

    /// <summary>Does the phase's work; an outcome ends the attempt here (a failure, a plan waiting for approval, the published result).</summary>
    Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken);
}
