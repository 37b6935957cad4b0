using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A limit of <c>.nightshift.yml</c>'s <c>limits: task:</c> the attempt went past: <c>task.timeout</c> (it ends
/// <c>timed_out</c>), <c>task.cpu_seconds</c> or <c>task.disk</c> (it ends <c>failed</c>), with the phase it was in.
/// </summary>
/// <param name="Limit">the limit's name: task.timeout, task.cpu_seconds or task.disk.</param>
/// <param name="Allowed">the limit: seconds for the times, bytes for the disk.</param>
/// <param name="Used">what the attempt had used when it was stopped, in the same unit.</param>
/// <param name="Phase">the wire name of the phase the task was in (preparing, planning, building, verifying, publishing).</param>
internal sealed record TaskLimitBreach(string Limit, long Allowed, long Used, string Phase)
{
    public const string Timeout = "task.timeout";
    public const string CpuSeconds = "task.cpu_seconds";
    public const string Disk = "task.disk";

    /// <summary>A pipeline step's <c>timeout</c>: the task ends <c>timed_out</c> like at <see cref="Timeout"/>.</summary>
    public const string StepTimeout = "step.timeout";

    /// <summary>How the task ends: <c>timed_out</c> for the wall clock, <c>failed</c> for the others, with the phase and the limit in its details.</summary>
    public TaskOutcome ToOutcome()
    {
        var file = Configuration.RepoConfigParser.FileName;
        var outcome = Limit switch
        {
            Timeout => TaskOutcome.TimedOut(
                $"the attempt ran past the repository's task time limit of {Seconds(Allowed)} (limits.task.timeout in {file}) while {Phase}; " +
                "raise limits.task.timeout if the task needs longer (the operator's Sandbox:MaxLimits:TaskTimeout and Worker:TaskDeadline still bound it), or find what it waited on in its events, then retry it"),
            StepTimeout => TaskOutcome.TimedOut(
                $"the step ran past its pipeline's timeout of {Seconds(Allowed)} while {Phase}; raise the step's timeout in the pipeline definition if it needs longer, or find what it waited on in its events"),
            CpuSeconds => TaskOutcome.Failed(
                $"the attempt's commands used {Seconds(Used)} of CPU time, past the repository's task limit of {Seconds(Allowed)} (limits.task.cpu_seconds in {file}) while {Phase}; " +
                "raise limits.task.cpu_seconds if the task needs more, or find the command that spun in its events, then retry it"),
            _ => TaskOutcome.Failed(
                $"the task's worktree and cache grew to {Bytes(Used)}, past the repository's task limit of {Bytes(Allowed)} (limits.task.disk in {file}) while {Phase}; " +
                "raise limits.task.disk if the task needs more room, or find the command that filled it in its events, then retry it"),
        };
        return outcome with
        {
            DetailsJson = NightshiftJson.Payload(new TaskFinishedPayload(Phase: Phase, Limit: Limit, LimitValue: Allowed, LimitUsed: Used)),
        };
    }

    private static string Seconds(long seconds) =>
        seconds >= 120 && seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        _ => $"{bytes} bytes",
    };
}
