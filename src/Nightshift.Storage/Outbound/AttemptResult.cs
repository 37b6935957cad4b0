namespace Nightshift.Storage.Outbound;

/// <summary>What a server reports after trying a delivery it claimed.</summary>
/// <param name="RetryAt">when to try again; required with <see cref="AttemptOutcome.Retry"/>, ignored otherwise.</param>
public sealed record AttemptResult(
    AttemptOutcome Outcome,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? StatusCode,
    string? Error,
    string? ResponseExcerpt,
    DateTimeOffset? RetryAt = null);
