namespace Nightshift.Models.Resilience;

/// <summary>How hard a provider is retried, how long a call may take, and when its circuit opens.</summary>
public sealed class ModelResilienceOptions
{
    /// <summary>Retries after the first attempt on 408, 429, 5xx, timeouts and connection failures.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff step; doubles each retry, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the call fails and the fallback chain takes over.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Multiplies every computed delay before it is waited (1 in production). Tests set it near 0 and read the
    /// requested delay from <see cref="OnRetry"/>, so Retry-After handling is checked without waiting for it.
    /// </summary>
    public double DelayScale { get; set; } = 1.0;

    /// <summary>Time allowed for one attempt, until the whole answer (or, for a stream, its first bytes) arrived.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>Failures within <see cref="CircuitSamplingDuration"/> that open a provider's circuit (all of them failing).</summary>
    public int CircuitMinimumThroughput { get; set; } = 8;

    public double CircuitFailureRatio { get; set; } = 0.9;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit refuses calls before letting one through to probe.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Called before each retry is waited for; the agent can turn it into an event.</summary>
    public Action<ModelRetry>? OnRetry { get; set; }
}
