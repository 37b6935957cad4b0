using System.Diagnostics;
using Nightshift.Core.Execution;
using Nightshift.Core.Telemetry;
using Nightshift.Storage;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// The worker's part of a task's trace and metrics: the root span <c>task.run</c> from claim to end, the
/// enqueue→claim latency and the attempt's duration by outcome.
/// </summary>
internal static class TaskRunTelemetry
{
    /// <summary>Outcome name of an attempt whose lease was lost: nothing was recorded for it.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>Records the claim's latency and starts the attempt's trace; the span is current for the executor.</summary>
    public static Activity? Claimed(Lease lease, DateTimeOffset now)
    {
        var waited = now - lease.Task.RunAfter;
        NightshiftInstruments.ClaimLatency.Record(Math.Max(0, waited.TotalSeconds));
        var activity = NightshiftActivities.StartRoot(NightshiftActivities.TaskRun);
        if (activity is not null)
        {
            activity.SetTag(NightshiftActivities.TaskIdTag, lease.TaskId);
            activity.SetTag(NightshiftActivities.RepoTag, lease.Task.Repo);
            activity.SetTag(NightshiftActivities.AttemptTag, lease.Attempt);
        }
        return activity;
    }

    public static void Ended(Activity? activity, string outcome, TimeSpan duration)
    {
        NightshiftInstruments.TaskDuration.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>("outcome", outcome));
        if (activity is null)
        {
            return;
        }
        activity.SetTag(NightshiftActivities.OutcomeTag, outcome);
        if (outcome is "failed" or "retry" or "timed_out" or Abandoned)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }

    public static string OutcomeName(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Succeeded => "succeeded",
        OutcomeKind.NeedsReview => "needs_review",
        OutcomeKind.RetryableFailure => "retry",
        OutcomeKind.Failed => "failed",
        OutcomeKind.Cancelled => "cancelled",
        OutcomeKind.TimedOut => "timed_out",
        OutcomeKind.AwaitingApproval => "awaiting_approval",
        OutcomeKind.Released => "released",
        OutcomeKind.AwaitingInput => "awaiting_input",
        _ => "other",
    };
}
