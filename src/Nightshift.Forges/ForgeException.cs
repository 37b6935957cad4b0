namespace Nightshift.Forges;

/// <summary>
/// A forge refused or failed a call. The message says what a person can do about it (which permission is missing,
/// which repository or branch is unknown) and never contains a credential.
/// </summary>
/// <param name="Status">the HTTP status, or null when no answer came (connection refused, dropped, timed out).</param>
/// <param name="RetryAfter">how long the forge asked to wait (Retry-After, X-RateLimit-Reset), when it said.</param>
public sealed class ForgeException(string message, int? status = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>true for failures worth trying again later (rate limits, 5xx, no answer).</summary>
    public bool Transient => Status is null or 429 or >= 500;
}
