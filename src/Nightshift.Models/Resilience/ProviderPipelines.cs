using System.Collections.Concurrent;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Nightshift.Models.Resilience;

/// <summary>
/// One Polly pipeline per provider and factory, so the circuit breaker's memory is shared by every client of that
/// provider: retry (backoff with jitter, Retry-After honoured) → circuit breaker → per-attempt timeout.
/// </summary>
internal sealed class ProviderPipelines(ModelResilienceOptions options, TimeProvider timeProvider)
{
    internal static readonly ResiliencePropertyKey<RequestedDelay> RequestedDelayKey = new("nightshift.requested-delay");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    public ModelResilienceOptions Options => options;

    public TimeProvider TimeProvider => timeProvider;

    public ResiliencePipeline<HttpResponseMessage> For(string provider) => _pipelines.GetOrAdd(provider, Build);

    private ResiliencePipeline<HttpResponseMessage> Build(string provider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NextDelay(args.Outcome, args.AttemptNumber, args.Context)),
                OnRetry = args =>
                {
                    var requested = args.Context.Properties.GetValue(RequestedDelayKey, new RequestedDelay(args.RetryDelay, false));
                    options.OnRetry?.Invoke(new ModelRetry(provider, args.AttemptNumber + 1, Describe(args.Outcome), requested.Delay, args.RetryDelay, requested.FromRetryAfter));
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = Math.Max(2, options.CircuitMinimumThroughput),
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        });
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.CallTimeout });
        return builder.Build();
    }

    internal bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (!IsTransient(outcome))
        {
            return false;
        }
        // Waiting longer than the configured bound helps nobody: fail now and let the fallback chain answer.
        return outcome.Result is not { } response
            || RetryAfter.From(response, timeProvider.GetUtcNow()) is not { } wait
            || wait <= options.MaxRetryAfter;
    }

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported);

    private TimeSpan NextDelay(Outcome<HttpResponseMessage> outcome, int attempt, ResilienceContext context)
    {
        RequestedDelay requested;
        if (outcome.Result is { } response && RetryAfter.From(response, timeProvider.GetUtcNow()) is { } wait)
        {
            requested = new RequestedDelay(wait, true);
        }
        else
        {
            var exponential = options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
            var capped = Math.Min(exponential, options.MaxDelay.TotalMilliseconds);
            // Full jitter on the upper half keeps clients that failed together from retrying together.
            var jittered = capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
            requested = new RequestedDelay(TimeSpan.FromMilliseconds(jittered), false);
        }
        context.Properties.Set(RequestedDelayKey, requested);
        var scale = double.IsFinite(options.DelayScale) && options.DelayScale >= 0 ? options.DelayScale : 1.0;
        return TimeSpan.FromMilliseconds(requested.Delay.TotalMilliseconds * scale);
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "timeout",
        { Exception: { } exception } => exception.GetType().Name,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "unknown",
    };

    internal readonly record struct RequestedDelay(TimeSpan Delay, bool FromRetryAfter);
}
