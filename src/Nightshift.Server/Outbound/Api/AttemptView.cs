using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>One attempt to send a delivery: what the receiver answered, or why no answer came.</summary>
/// <param name="Outcome">delivered, retry, dead or gone.</param>
/// <param name="ResponseExcerpt">the start of the receiver's answer, as received (hostile text: escape it before showing it).</param>
public sealed record AttemptView(
    int Number,
    DateTimeOffset StartedAt,
    long DurationMs,
    string Outcome,
    int? StatusCode,
    string? Error,
    string? ResponseExcerpt)
{
    public static AttemptView From(OutboundAttempt attempt) => new(
        attempt.Number,
        attempt.StartedAt,
        (long)attempt.Duration.TotalMilliseconds,
        OutboundWire.Outcome(attempt.Outcome),
        attempt.StatusCode,
        attempt.Error,
        attempt.ResponseExcerpt);
}
