namespace Nightshift.Core.Execution;

public enum StopReason
{
    /// <summary>Not stopped.</summary>
    None,

    /// <summary>Someone asked for the task to be cancelled.</summary>
    CancelRequested,

    /// <summary>The lease was lost; another worker may own the task now. Write nothing more.</summary>
    LeaseLost,

    /// <summary>The worker is shutting down: checkpoint, and the task goes back to the queue.</summary>
    Shutdown,

    /// <summary>The attempt ran past the worker's hard deadline (Worker:TaskDeadline); the task ends timed_out.</summary>
    DeadlineExceeded,

    /// <summary>
    /// No event, phase, checkpoint, plan or usage for Worker:StallTimeout; the lease is no longer renewed and the attempt
    /// counts as failed.
    /// </summary>
    Stalled,
}
