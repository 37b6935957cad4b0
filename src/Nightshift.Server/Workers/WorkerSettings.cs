namespace Nightshift.Server.Workers;

/// <summary>How the worker bounds an attempt, bound from the <c>Worker</c> configuration section.</summary>
public sealed class WorkerSettings
{
    public const string SectionName = "Worker";

    /// <summary>
    /// The hard limit on one attempt, enforced by the worker whether or not the executor cooperates: past it the task
    /// ends timed_out, naming the phase it was in. Longer than the agent's own wall-time budget (Agent:Budget:MaxWallTime),
    /// so that budget ends the work gracefully first.
    /// </summary>
    public TimeSpan TaskDeadline { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How long an attempt may go without progress (an event, a phase, a checkpoint, a plan or usage) before the worker
    /// stops renewing its lease and counts the attempt as failed; zero turns the check off.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// How long a stopped attempt (cancelled, past its deadline, stalled, lease lost) gets to return before the worker
    /// stops waiting for it and frees the slot.
    /// </summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(30);
}
