namespace Nightshift.Models.Resilience;

/// <summary>
/// One retry about to happen. <see cref="RequestedDelay"/> is what the backoff or the server's <c>Retry-After</c>
/// asked for; <see cref="Delay"/> is what is actually waited (they differ only when DelayScale is not 1).
/// </summary>
public sealed record ModelRetry(
    string Provider,
    int Attempt,
    string Reason,
    TimeSpan RequestedDelay,
    TimeSpan Delay,
    bool FromRetryAfter);
