using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Nightshift.Server.Secrets;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Sends the deliveries that are due: claims them under a lease (so each is sent by one server of a fleet at a time,
/// and a crashed server's claims lapse to another), sends each through its channel's sender in a pool of
/// <c>Outbound:MaxConcurrency</c> (a slow receiver holds at most its endpoint's <c>MaxInFlight</c> of them, never the
/// others'), keeps each endpoint's <c>MaxPerMinute</c>, and records every attempt with what happens next.
/// </summary>
internal sealed partial class DeliveryDispatcher : BackgroundService
{
    private static readonly TimeSpan EndpointCacheTime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(30);

    private readonly INightshiftStore _store;
    private readonly IReadOnlyDictionary<OutboundChannel, IOutboundSender> _senders;
    private readonly OutboundOptions _options;
    private readonly DispatchWakeUp _wakeUp;
    private readonly EndpointRateLimiter _limiter;
    private readonly OutboundMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryDispatcher> _logger;
    private readonly RetryPlanner _planner;
    private readonly ISecretProtector? _protector;
    private readonly CancellationTokenSource _sends = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, (OutboundEndpoint? Endpoint, DateTimeOffset FetchedAt)> _endpoints = new(StringComparer.Ordinal);
    private int _running;
    private int _disposed;

    public DeliveryDispatcher(
        INightshiftStore store,
        IEnumerable<IOutboundSender> senders,
        IOptions<OutboundOptions> options,
        DispatchWakeUp wakeUp,
        EndpointRateLimiter limiter,
        OutboundMetrics metrics,
        TimeProvider time,
        ILogger<DeliveryDispatcher> logger,
        Func<double>? jitter = null,
        ISecretProtector? protector = null)
    {
        _store = store;
        _protector = protector;
        _senders = senders.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.Last());
        _options = options.Value;
        _wakeUp = wakeUp;
        _limiter = limiter;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _planner = new RetryPlanner(_options.EffectiveRetrySchedule(), jitter);
        Lease = (_options.Timeout * 2) + TimeSpan.FromMinutes(1);
    }

    /// <summary>Who holds a delivery's lease: this process.</summary>
    public string Owner { get; } = OutboundOwner.Create();

    /// <summary>How long a claim lasts: twice the attempt timeout, and room to wait for the rate limit.</summary>
    public TimeSpan Lease { get; }

    /// <summary>Deliveries being sent now.</summary>
    public int InFlight => Volatile.Read(ref _running);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Claiming stops at once; sends under way finish unless the host's shutdown timeout runs out first.
        using var abandon = cancellationToken.Register(_sends.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        // Registered both as itself and as a hosted service, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _sends.Cancel();
        _sends.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var (asked, claimed) = (0, 0);
                try
                {
                    (asked, claimed) = await ClaimAndStartAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogClaimFailed(_logger, ex);
                }
                if (claimed > 0 && claimed == asked)
                {
                    continue;
                }
                await _wakeUp.Signal.WaitAsync(await NextWaitAsync(stoppingToken), _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(_inFlight.Keys);
    }

    /// <summary>Claims as many due deliveries as the pool has room for and starts sending each.</summary>
    /// <returns>how many were asked for and how many were claimed.</returns>
    public async Task<(int Asked, int Claimed)> ClaimAndStartAsync(CancellationToken cancellationToken = default)
    {
        var room = _options.MaxConcurrency - InFlight;
        if (room <= 0)
        {
            return (0, 0);
        }
        var batch = await _store.ClaimDueDeliveriesAsync(Owner, Lease, room, cancellationToken);
        foreach (var delivery in batch)
        {
            Interlocked.Increment(ref _running);
            var send = SendAsync(delivery);
            _inFlight.TryAdd(send, 0);
            _ = send.ContinueWith(done => _inFlight.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return (room, batch.Count);
    }

    /// <summary>Waits for every send under way (tests, and the end of a shutdown).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_inFlight.Keys);

    private async Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken)
    {
        var poll = _options.PollInterval;
        if (InFlight >= _options.MaxConcurrency)
        {
            return poll;
        }
        DateTimeOffset? due;
        try
        {
            due = await _store.NextDeliveryDueAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogClaimFailed(_logger, ex);
            return poll;
        }
        var now = _time.GetUtcNow();
        // A delivery due now that was not claimed waits behind an earlier one of its task or its endpoint's cap; a
        // finished send wakes us for those, so this only sleeps until the next one falls due.
        return due is { } at && at > now && at - now < poll ? at - now : poll;
    }

    private async Task SendAsync(OutboundDelivery delivery)
    {
        await Task.Yield();
        try
        {
            var endpoint = await EndpointAsync(delivery.EndpointId);
            if (endpoint is null)
            {
                // Removed with its deliveries since the claim; nothing left to send.
                return;
            }
            await SendToAsync(endpoint, delivery);
        }
        catch (OperationCanceledException) when (_sends.IsCancellationRequested)
        {
            LogAbandoned(_logger, delivery.Id);
        }
        catch (Exception ex)
        {
            LogSendFailed(_logger, ex, delivery.Id, delivery.EndpointId);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _wakeUp.Set();
        }
    }

    /// <summary>The endpoint with its signing secrets and chat URL decrypted, for the sender alone (stored values marked as ciphertext are encrypted at rest).</summary>
    private OutboundEndpoint Opened(OutboundEndpoint endpoint)
    {
        if (_protector is null || (!_protector.IsProtected(endpoint.Url) && !endpoint.Secrets.Any(s => _protector.IsProtected(s.Value))))
        {
            return endpoint;
        }
        return endpoint with
        {
            Url = endpoint.Url is null ? null : _protector.Unprotect(SecretPurpose.OutboundUrl, endpoint.Url),
            Secrets = [.. endpoint.Secrets.Select(s => s with { Value = _protector.Unprotect(SecretPurpose.OutboundSigningSecret, s.Value) })],
        };
    }

    private async Task SendToAsync(OutboundEndpoint endpoint, OutboundDelivery delivery)
    {
        var wait = _limiter.Reserve(endpoint.Id, endpoint.MaxPerMinute);
        if (wait > TimeSpan.Zero)
        {
            if (wait > Lease - (_options.Timeout * 2))
            {
                // Too far off to hold the claim: let its lease lapse; it is claimed again (here or elsewhere) then.
                _limiter.Release(endpoint.Id, endpoint.MaxPerMinute);
                LogRateLimited(_logger, delivery.Id, endpoint.Id, endpoint.MaxPerMinute);
                return;
            }
            await Task.Delay(wait, _time, _sends.Token);
        }

        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        SendResult sent;
        if (!_senders.TryGetValue(endpoint.Channel, out var sender))
        {
            sent = new SendResult(SendStatus.Retryable, null, $"this server has no sender for {endpoint.Channel.ToString().ToLowerInvariant()} endpoints; set up its Notifications settings or let another server send it", null);
        }
        else
        {
            try
            {
                sent = await sender.SendAsync(Opened(endpoint), delivery, _sends.Token);
            }
            catch (SecretUnreadableException ex)
            {
                sent = new SendResult(SendStatus.Retryable, null, $"the endpoint's {ex.Message}", null);
            }
            catch (OperationCanceledException) when (_sends.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                LogSenderThrew(_logger, ex, endpoint.Channel.ToString(), delivery.Id);
                sent = new SendResult(SendStatus.Retryable, null, $"the {endpoint.Channel.ToString().ToLowerInvariant()} sender failed unexpectedly ({ex.GetType().Name}); it is tried again later", null);
            }
        }
        clock.Stop();

        var result = _planner.Plan(sent, delivery.Attempts, startedAt, clock.Elapsed);
        bool recorded;
        using (var bound = new CancellationTokenSource(RecordTimeout))
        {
            recorded = await _store.RecordAttemptAsync(delivery.Id, Owner, result, bound.Token);
        }
        if (!recorded)
        {
            LogLeaseLost(_logger, delivery.Id);
            return;
        }
        switch (result.Outcome)
        {
            case AttemptOutcome.Delivered:
                LogDelivered(_logger, delivery.Id, endpoint.Id, result.StatusCode ?? 0);
                return;
            case AttemptOutcome.Retry:
                LogRetrying(_logger, delivery.Id, endpoint.Id, delivery.Attempts + 1, result.RetryAt!.Value, result.Error ?? "");
                break;
            case AttemptOutcome.Gone:
                _endpoints.TryRemove(endpoint.Id, out _);
                LogGone(_logger, endpoint.Id, delivery.Id);
                break;
            default:
                LogDead(_logger, delivery.Id, endpoint.Id, delivery.Attempts + 1, result.Error ?? "");
                break;
        }
        _metrics.AttemptFailed(endpoint.Channel, result.Outcome);
    }

    private async Task<OutboundEndpoint?> EndpointAsync(string id)
    {
        var now = _time.GetUtcNow();
        if (_endpoints.TryGetValue(id, out var cached) && now - cached.FetchedAt < EndpointCacheTime)
        {
            return cached.Endpoint;
        }
        var endpoint = await _store.GetEndpointAsync(id, _sends.Token);
        _endpoints[id] = (endpoint, now);
        return endpoint;
    }

    [LoggerMessage(EventId = 3410, Level = LogLevel.Debug, Message = "Delivered {DeliveryId} to endpoint {EndpointId} ({StatusCode})")]
    private static partial void LogDelivered(ILogger logger, string deliveryId, string endpointId, int statusCode);

    [LoggerMessage(EventId = 3411, Level = LogLevel.Information, Message = "Delivery {DeliveryId} to endpoint {EndpointId} failed (try {Tries}): {Reason}; next try at {RetryAt}")]
    private static partial void LogRetrying(ILogger logger, string deliveryId, string endpointId, int tries, DateTimeOffset retryAt, string reason);

    [LoggerMessage(EventId = 3412, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to endpoint {EndpointId} is a dead letter after {Tries} tries: {Reason}; see it with `nightshift webhooks deliveries` and redeliver once fixed")]
    private static partial void LogDead(ILogger logger, string deliveryId, string endpointId, int tries, string reason);

    [LoggerMessage(EventId = 3413, Level = LogLevel.Warning, Message = "Endpoint {EndpointId} answered 410 Gone to delivery {DeliveryId}: it is disabled and its deliveries wait; enable it again (PATCH /api/v1/webhooks/{EndpointId} with active true) if that was a mistake")]
    private static partial void LogGone(ILogger logger, string endpointId, string deliveryId);

    [LoggerMessage(EventId = 3414, Level = LogLevel.Warning, Message = "The claim on delivery {DeliveryId} lapsed before its attempt was recorded; another server sends it")]
    private static partial void LogLeaseLost(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 3415, Level = LogLevel.Error, Message = "Claiming due outbound deliveries failed; tried again shortly")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3416, Level = LogLevel.Error, Message = "Sending delivery {DeliveryId} to endpoint {EndpointId} failed before its attempt was recorded; its claim lapses and it is tried again")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string deliveryId, string endpointId);

    [LoggerMessage(EventId = 3417, Level = LogLevel.Error, Message = "The {Channel} sender threw for delivery {DeliveryId}; recorded as a failed try")]
    private static partial void LogSenderThrew(ILogger logger, Exception exception, string channel, string deliveryId);

    [LoggerMessage(EventId = 3418, Level = LogLevel.Information, Message = "Delivery {DeliveryId} was not sent before shutdown; its claim lapses and it is sent after")]
    private static partial void LogAbandoned(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 3419, Level = LogLevel.Debug, Message = "Delivery {DeliveryId} waits for endpoint {EndpointId}'s rate limit ({PerMinute} a minute); its claim lapses and it is claimed again")]
    private static partial void LogRateLimited(ILogger logger, string deliveryId, string endpointId, int perMinute);
}
