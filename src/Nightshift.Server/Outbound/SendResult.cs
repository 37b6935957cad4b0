namespace Nightshift.Server.Outbound;

/// <summary>What one send attempt came to.</summary>
/// <param name="StatusCode">the HTTP status (or SMTP reply code); null when no answer came.</param>
/// <param name="Error">what went wrong in plain words (never a secret); null when delivered.</param>
/// <param name="ResponseExcerpt">the start of the answer's body, at most <see cref="Storage.Outbound.OutboundAttempt.MaxExcerptLength"/> characters.</param>
/// <param name="RetryAfter">how long the receiver asked to wait (429/503 <c>Retry-After</c>); null when it did not say.</param>
public sealed record SendResult(SendStatus Status, int? StatusCode, string? Error, string? ResponseExcerpt, TimeSpan? RetryAfter = null);
