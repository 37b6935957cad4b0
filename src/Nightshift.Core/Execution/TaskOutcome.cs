using Nightshift.Core.Tasks;

namespace Nightshift.Core.Execution;

/// <summary>How an attempt ended, as reported by the executor.</summary>
public sealed record TaskOutcome
{
    public required OutcomeKind Kind { get; init; }

    /// <summary>For failures and reviews: what went wrong and what to do next, in words for a person.</summary>
    public string? Reason { get; init; }

    public string? Branch { get; init; }

    public string? PullRequest { get; init; }

    /// <summary>Extra JSON object merged into the final event's payload (summary, verification, …).</summary>
    public string? DetailsJson { get; init; }

    public static TaskOutcome Succeeded(string? branch = null, string? pullRequest = null) =>
        new() { Kind = OutcomeKind.Succeeded, Branch = branch, PullRequest = pullRequest };

    public static TaskOutcome NeedsReview(string reason, string? branch = null, string? pullRequest = null) =>
        new() { Kind = OutcomeKind.NeedsReview, Reason = reason, Branch = branch, PullRequest = pullRequest };

    /// <summary>A failure worth another attempt (with backoff) while attempts remain.</summary>
    public static TaskOutcome Retry(string reason) => new() { Kind = OutcomeKind.RetryableFailure, Reason = reason };

    /// <summary>A failure no retry will fix (bad repository, refused URL, …).</summary>
    public static TaskOutcome Failed(string reason) => new() { Kind = OutcomeKind.Failed, Reason = reason };

    public static TaskOutcome Cancelled(string? reason = null) => new() { Kind = OutcomeKind.Cancelled, Reason = reason };

    public static TaskOutcome TimedOut(string reason) => new() { Kind = OutcomeKind.TimedOut, Reason = reason };

    /// <summary>The plan waits for a person; the lease is released until approval.</summary>
    public static TaskOutcome AwaitApproval() => new() { Kind = OutcomeKind.AwaitingApproval };

    /// <summary>Give the task back to the queue untouched (shutdown); no attempt is counted as failed.</summary>
    public static TaskOutcome Release() => new() { Kind = OutcomeKind.Released };
}

public enum OutcomeKind
{
    Succeeded,
    NeedsReview,
    RetryableFailure,
    Failed,
    Cancelled,
    TimedOut,
    AwaitingApproval,
    Released,
}
