namespace Nightshift.Storage.Outbound;

/// <summary>One attempt to send a delivery, kept for the dead-letter view and the delivery log.</summary>
/// <param name="Number">1 for the first attempt ever made for the delivery; redeliveries continue the count.</param>
/// <param name="StatusCode">the HTTP status (or SMTP reply code) received; null when no answer came (timeout, refused connection).</param>
/// <param name="Error">what went wrong in plain words; null when delivered.</param>
/// <param name="ResponseExcerpt">the start of the receiver's answer, clipped to <see cref="MaxExcerptLength"/>; null when none.</param>
public sealed record OutboundAttempt(
    string DeliveryId,
    int Number,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    AttemptOutcome Outcome,
    int? StatusCode,
    string? Error,
    string? ResponseExcerpt)
{
    public const int MaxExcerptLength = 1_024;
}
