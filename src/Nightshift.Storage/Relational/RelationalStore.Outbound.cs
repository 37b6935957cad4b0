using Nightshift.Storage.Outbound;

namespace Nightshift.Storage.Relational;

// Placeholder until the outbound store lands (Issue 21): every call says it is not built yet.
internal abstract partial class RelationalStore
{
    public Task<OutboundEndpoint> CreateEndpointAsync(NewOutboundEndpoint endpoint, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboundEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<IReadOnlyList<OutboundEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboundEndpoint?> UpdateEndpointAsync(string id, OutboundEndpointPatch patch, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboundEndpoint?> AddSecretAsync(string endpointId, string secret, DateTimeOffset? retireOthersAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<bool> RemoveSecretAsync(string endpointId, string secretId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<IReadOnlyList<string>> FindTasksWithUnsentEventsAsync(int max, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboxCursor?> ClaimOutboxCursorAsync(string taskId, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<bool> CompleteOutboxAsync(string taskId, string owner, long lastSequence, IReadOnlyList<NewOutboundDelivery> deliveries, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<IReadOnlyList<OutboundDelivery>> ClaimDueDeliveriesAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<bool> RecordAttemptAsync(string deliveryId, string owner, AttemptResult result, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<DateTimeOffset?> NextDeliveryDueAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<DeliveryPage> ListDeliveriesAsync(string endpointId, OutboundDeliveryState? state, long? beforeNumber, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboundDelivery?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<IReadOnlyList<OutboundAttempt>> ListAttemptsAsync(string deliveryId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<OutboundDelivery?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task<IReadOnlyDictionary<OutboundDeliveryState, long>> CountDeliveriesAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");

    public Task SyncConfiguredEndpointsAsync(IReadOnlyList<NewOutboundEndpoint> endpoints, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the outbound store is not built yet");
}
