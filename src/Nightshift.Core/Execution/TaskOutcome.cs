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

    /// <summary>The agent's question (<see cref="AwaitInput"/>); null for every other outcome.</summary>
    public string? Question { get; init; }

    /// <summary>When an unanswered question gives way to <see cref="DefaultAnswer"/>.</summary>
    public DateTimeOffset? QuestionTimesOutAt { get; init; }

    /// <summary>The answer the task resumes with when nobody answers in time.</summary>
    public string? DefaultAnswer { get; init; }

    /// <summary>
    /// The agent asked a person a question: the lease is released and the checkpoint kept until the answer comes (or
    /// <paramref name="timesOutAt"/> passes and <paramref name="defaultAnswer"/> is taken instead); no attempt is counted.
    /// </summary>
    public static TaskOutcome AwaitInput(string question, DateTimeOffset timesOutAt, string defaultAnswer) =>
        new() { Kind = OutcomeKind.AwaitingInput, Question = question, QuestionTimesOutAt = timesOutAt, DefaultAnswer = defaultAnswer };

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
    AwaitingInput,
}
