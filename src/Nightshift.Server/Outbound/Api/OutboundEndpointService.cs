using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// What the API and the dashboard do with outbound endpoints and their deliveries, between the HTTP shapes and the
/// store: secrets are made here (and their values logged nowhere), the SSRF rule is applied to new URLs, endpoints
/// declared in the configuration are kept read-only, and ids from a URL that cannot be an id are simply unknown.
/// Every call names the caller's organisation: another organisation's endpoint is unknown, exactly like a missing one.
/// </summary>
internal sealed partial class OutboundEndpointService(
    IOutboundStore store,
    IEndpointAddressCheck addresses,
    TimeProvider time,
    ILogger<OutboundEndpointService> logger,
    Secrets.ISecretProtector? protector = null)
{
    public const int DefaultDeliveryLimit = 50;
    public const int MaxDeliveryLimit = 200;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <returns>the endpoint and, for a webhook, its first secret with the value (shown this once).</returns>
    /// <exception cref="ValidationException">a value is invalid, the URL is refused by the SSRF rule, or the store refuses it.</exception>
    public async Task<(OutboundEndpoint Endpoint, OutboundSecret? Secret)> CreateAsync(string orgId, EndpointRequest request, CancellationToken cancellationToken = default)
    {
        request = EndpointRequestReader.Check(request);
        EnsureReachable(request.Url);
        var secret = request.Channel == OutboundChannel.Webhook ? SecretGenerator.NewSecret() : null;
        var stored = secret is null ? null : AtRest(secret);
        var endpoint = await store.CreateEndpointAsync(
            new NewOutboundEndpoint(
                request.Channel,
                request.Url,
                request.Recipients,
                request.Description,
                request.Events,
                request.Repositories,
                stored,
                request.MaxInFlight,
                request.MaxPerMinute) { OrgId = orgId },
            cancellationToken);
        LogCreated(logger, endpoint.Id, OutboundWire.Channel(endpoint.Channel));
        return (endpoint, secret is null ? null : endpoint.Secrets.FirstOrDefault(s => s.Value == stored) is { } made ? made with { Value = secret } : null);
    }

    public Task<IReadOnlyList<OutboundEndpoint>> ListAsync(string orgId, CancellationToken cancellationToken = default) =>
        store.ListEndpointsAsync(orgId, cancellationToken);

    /// <returns>the endpoint, or null when there is none with this id in <paramref name="orgId"/>.</returns>
    public async Task<OutboundEndpoint?> GetAsync(string orgId, string id, CancellationToken cancellationToken = default) =>
        LooksLikeId(id) && await store.GetEndpointAsync(id, cancellationToken) is { } endpoint && endpoint.OrgId == orgId ? endpoint : null;

    /// <returns>the endpoint as changed, or null when unknown.</returns>
    /// <exception cref="EndpointConflictException">the endpoint is declared in the configuration.</exception>
    public async Task<OutboundEndpoint?> UpdateAsync(string orgId, string id, OutboundEndpointPatch patch, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(orgId, id, cancellationToken) is not { } endpoint)
        {
            return null;
        }
        if (endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            throw ConfigManaged(endpoint, "changed");
        }
        if (patch.Url is not null)
        {
            EnsureReachable(patch.Url);
        }
        var updated = await store.UpdateEndpointAsync(id, patch, cancellationToken);
        if (updated is not null)
        {
            LogUpdated(logger, updated.Id, updated.Active);
        }
        return updated;
    }

    /// <returns>false when unknown.</returns>
    /// <exception cref="EndpointConflictException">the endpoint is declared in the configuration.</exception>
    public async Task<bool> DeleteAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(orgId, id, cancellationToken) is not { } endpoint)
        {
            return false;
        }
        if (endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            throw ConfigManaged(endpoint, "removed");
        }
        var deleted = await store.DeleteEndpointAsync(id, cancellationToken);
        if (deleted)
        {
            LogDeleted(logger, id);
        }
        return deleted;
    }

    /// <summary>Adds a new signing secret; with <paramref name="retireOthersAfter"/> the others stop signing that long from now.</summary>
    /// <returns>the endpoint and the new secret with its value, or null when the endpoint is unknown.</returns>
    /// <exception cref="ValidationException">not a webhook endpoint, or it has as many secrets as it may.</exception>
    public async Task<(OutboundEndpoint Endpoint, OutboundSecret Secret)?> RotateAsync(string orgId, string id, TimeSpan? retireOthersAfter, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(orgId, id, cancellationToken) is not { } endpoint)
        {
            return null;
        }
        if (endpoint.Channel != OutboundChannel.Webhook)
        {
            throw new ValidationException("channel", $"only webhook endpoints are signed; this one is a {OutboundWire.Channel(endpoint.Channel)} endpoint and has no secrets");
        }
        if (endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            throw ConfigManaged(endpoint, "given a new secret");
        }
        var value = SecretGenerator.NewSecret();
        var retireAt = retireOthersAfter is { } after ? time.GetUtcNow() + after : (DateTimeOffset?)null;
        var stored = AtRest(value);
        var updated = await store.AddSecretAsync(id, stored, retireAt, cancellationToken);
        if (updated?.Secrets.FirstOrDefault(s => s.Value == stored) is not { } secret)
        {
            return null;
        }
        LogRotated(logger, id, secret.Id);
        return (updated, secret with { Value = value });
    }

    /// <returns>false when the endpoint or the secret is unknown.</returns>
    /// <exception cref="ValidationException">it is the endpoint's last active secret.</exception>
    public async Task<bool> RemoveSecretAsync(string orgId, string id, string secretId, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeId(secretId) || await GetAsync(orgId, id, cancellationToken) is not { } endpoint)
        {
            return false;
        }
        if (endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            throw ConfigManaged(endpoint, "changed");
        }
        var removed = await store.RemoveSecretAsync(id, secretId, cancellationToken);
        if (removed)
        {
            LogSecretRemoved(logger, id, secretId);
        }
        return removed;
    }

    /// <returns>the page, or null when the endpoint is unknown.</returns>
    public async Task<DeliveryPage?> ListDeliveriesAsync(string orgId, string id, OutboundDeliveryState? state, long? before, int limit, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(orgId, id, cancellationToken) is null)
        {
            return null;
        }
        return await store.ListDeliveriesAsync(id, state, before, limit, cancellationToken);
    }

    /// <returns>the delivery with its attempts, or null when the endpoint or the delivery (of that endpoint) is unknown.</returns>
    public async Task<(OutboundDelivery Delivery, IReadOnlyList<OutboundAttempt> Attempts)?> GetDeliveryAsync(string orgId, string id, string deliveryId, CancellationToken cancellationToken = default)
    {
        if (await FindDeliveryAsync(orgId, id, deliveryId, cancellationToken) is not { } delivery)
        {
            return null;
        }
        return (delivery, await store.ListAttemptsAsync(delivery.Id, cancellationToken));
    }

    /// <summary>Sends a delivered or dead delivery again, with the same id.</summary>
    /// <returns>the delivery as it is now, or null when unknown.</returns>
    /// <exception cref="EndpointConflictException">it is already waiting to be sent or being sent.</exception>
    public async Task<OutboundDelivery?> RedeliverAsync(string orgId, string id, string deliveryId, CancellationToken cancellationToken = default)
    {
        if (await FindDeliveryAsync(orgId, id, deliveryId, cancellationToken) is not { } delivery)
        {
            return null;
        }
        if (delivery.State is OutboundDeliveryState.Pending or OutboundDeliveryState.Sending)
        {
            throw new EndpointConflictException(
                "the delivery is not finished",
                $"delivery {delivery.Id} is {OutboundWire.State(delivery.State)}: it is tried again by itself; only a delivered or dead delivery can be redelivered");
        }
        var redelivered = await store.RedeliverAsync(delivery.Id, cancellationToken);
        if (redelivered is not null)
        {
            LogRedelivered(logger, id, delivery.Id);
        }
        return redelivered;
    }

    /// <summary>
    /// Ids come from URLs and forms; one that cannot be an id (too long, odd characters) is simply unknown, and never
    /// reaches the store or a log line.
    /// </summary>
    public static bool LooksLikeId(string? id) =>
        id is { Length: > 0 and <= OutboundEndpoint.MaxIdLength }
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private async Task<OutboundDelivery?> FindDeliveryAsync(string orgId, string id, string deliveryId, CancellationToken cancellationToken)
    {
        if (!LooksLikeId(id) || !LooksLikeId(deliveryId))
        {
            return null;
        }
        if (await GetAsync(orgId, id, cancellationToken) is null)
        {
            return null;
        }
        var delivery = await store.GetDeliveryAsync(deliveryId, cancellationToken);
        return delivery is not null && delivery.EndpointId == id ? delivery : null;
    }

    private void EnsureReachable(string? url)
    {
        if (url is not null && addresses.RefusalFor(url) is { } refusal)
        {
            throw new ValidationException("url", refusal);
        }
    }

    private static EndpointConflictException ConfigManaged(OutboundEndpoint endpoint, string what) => new(
        "the endpoint is declared in the configuration",
        $"endpoint {endpoint.Id} comes from the server's configuration (Notifications:*), so it can only be {what} there: edit the setting and restart the server");

    /// <summary>A signing secret as it is stored: encrypted with Data Protection when the server has it (the dispatcher decrypts).</summary>
    private string AtRest(string secret) => protector is null ? secret : protector.Protect(Secrets.SecretPurpose.OutboundSigningSecret, secret);

    [LoggerMessage(EventId = 3430, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId} ({Channel}) added")]
    private static partial void LogCreated(ILogger logger, string endpointId, string channel);

    [LoggerMessage(EventId = 3431, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId} changed (active: {Active})")]
    private static partial void LogUpdated(ILogger logger, string endpointId, bool active);

    [LoggerMessage(EventId = 3432, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId} removed with its deliveries")]
    private static partial void LogDeleted(ILogger logger, string endpointId);

    [LoggerMessage(EventId = 3433, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId} got a new signing secret {SecretId}")]
    private static partial void LogRotated(ILogger logger, string endpointId, string secretId);

    [LoggerMessage(EventId = 3434, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId}: signing secret {SecretId} removed")]
    private static partial void LogSecretRemoved(ILogger logger, string endpointId, string secretId);

    [LoggerMessage(EventId = 3435, Level = LogLevel.Information, Message = "Outbound endpoint {EndpointId}: delivery {DeliveryId} queued again")]
    private static partial void LogRedelivered(ILogger logger, string endpointId, string deliveryId);
}
