namespace Nightshift.Storage.Outbound;

/// <summary>
/// Everything Nightshift sends out, durable and shared by every server of a fleet: the endpoints (signed webhooks, chat,
/// email), a per-task outbox cursor that turns each task's events into deliveries exactly once, and the deliveries with
/// every attempt, claimed under leases so that each is sent by one server at a time and survives restarts.
/// Inputs are checked (<see cref="Core.Errors.ValidationException"/> names the field); unknown ids give null/false.
/// </summary>
public interface IOutboundStore
{
    // --- endpoints ---

    /// <summary>
    /// Makes an endpoint, active, with <see cref="NewOutboundEndpoint.Secret"/> as its first secret (webhook). Filters
    /// and recipients are kept in the order given, a repeated entry once.
    /// </summary>
    /// <exception cref="Core.Errors.ValidationException">a field is missing, malformed or too long; the given id is taken; or there are already <see cref="OutboundEndpoint.MaxEndpoints"/>.</exception>
    Task<OutboundEndpoint> CreateEndpointAsync(NewOutboundEndpoint endpoint, CancellationToken cancellationToken = default);

    Task<OutboundEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken = default);

    /// <returns>every endpoint, oldest first.</returns>
    Task<IReadOnlyList<OutboundEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default);

    /// <returns>the organisation's endpoints, oldest first.</returns>
    Task<IReadOnlyList<OutboundEndpoint>> ListEndpointsAsync(string orgId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the fields <paramref name="patch"/> gives; an empty description clears it. Turning an active endpoint off
    /// records "turned off through the API at …" as its reason; turning it on clears the reason (also a 410's).
    /// </summary>
    /// <returns>the endpoint as changed, or null when there is none with this id.</returns>
    /// <exception cref="Core.Errors.ValidationException">a value is malformed, or the endpoint is managed by the configuration file.</exception>
    Task<OutboundEndpoint?> UpdateEndpointAsync(string id, OutboundEndpointPatch patch, CancellationToken cancellationToken = default);

    /// <summary>Removes the endpoint with its secrets, its deliveries and their attempts.</summary>
    /// <returns>false when there was none with this id.</returns>
    /// <exception cref="Core.Errors.ValidationException">the endpoint is managed by the configuration file.</exception>
    Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="secret"/> to a webhook endpoint; with <paramref name="retireOthersAt"/> every other secret
    /// without an earlier expiry stops signing then (now, to retire them at once; not in the past). Secrets already
    /// expired are removed.
    /// </summary>
    /// <returns>the endpoint as changed, or null when there is none with this id.</returns>
    /// <exception cref="Core.Errors.ValidationException">not a webhook endpoint, managed by the configuration file, a malformed or repeated secret, a retirement in the past, or <see cref="OutboundEndpoint.MaxSecrets"/> secrets that still sign.</exception>
    Task<OutboundEndpoint?> AddSecretAsync(string endpointId, string secret, DateTimeOffset? retireOthersAt, CancellationToken cancellationToken = default);

    /// <returns>false when the endpoint or the secret is unknown.</returns>
    /// <exception cref="Core.Errors.ValidationException">it is the endpoint's last active secret, or the endpoint is managed by the configuration file.</exception>
    Task<bool> RemoveSecretAsync(string endpointId, string secretId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the endpoints managed by the configuration exactly <paramref name="endpoints"/> (each with its
    /// <see cref="NewOutboundEndpoint.Id"/>): new ones made, changed ones updated (an endpoint disabled by a 410 stays
    /// disabled), missing ones removed. Endpoints made through the API are untouched. A configured webhook signs with its
    /// configured secret alone: when that changes, it replaces the stored ones. All in one transaction.
    /// </summary>
    /// <exception cref="Core.Errors.ValidationException">an endpoint is malformed or has no id, an id is declared twice, or an id belongs to an endpoint made through the API (nothing is changed).</exception>
    Task SyncConfiguredEndpointsAsync(IReadOnlyList<NewOutboundEndpoint> endpoints, CancellationToken cancellationToken = default);

    // --- the outbox: events into deliveries ---

    /// <summary>
    /// Tasks whose log has events past their outbox cursor (or no cursor yet), changed since the oldest active endpoint
    /// was made, whose cursor no live lease holds; the least recently changed first, at most <paramref name="max"/>.
    /// Empty when there is no active endpoint.
    /// </summary>
    Task<IReadOnlyList<string>> FindTasksWithUnsentEventsAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the task's outbox cursor (made at sequence 0 when it has none) until <paramref name="lease"/> has passed,
    /// unless another owner holds it; the owner that holds it may take it again to extend its lease.
    /// </summary>
    /// <returns>the cursor, or null when someone else holds it or the task is unknown.</returns>
    Task<OutboxCursor?> ClaimOutboxCursorAsync(string taskId, string owner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: makes <paramref name="deliveries"/> (due at once), moves the cursor forward to
    /// <paramref name="lastSequence"/> (never back) and frees the lease. A delivery to an endpoint removed meanwhile is
    /// left out. A lease that lapsed but that nobody else has taken since still counts as held (nobody else can have
    /// turned these events into deliveries).
    /// </summary>
    /// <returns>false when <paramref name="owner"/> no longer held the lease (nothing was written).</returns>
    Task<bool> CompleteOutboxAsync(string taskId, string owner, long lastSequence, IReadOnlyList<NewOutboundDelivery> deliveries, CancellationToken cancellationToken = default);

    // --- sending ---

    /// <summary>
    /// Claims up to <paramref name="max"/> deliveries for <paramref name="owner"/> until <paramref name="lease"/> has
    /// passed, oldest first: pending ones that are due, and sending ones whose lease lapsed (a crashed server's). Skips a
    /// delivery whose endpoint is inactive, whose endpoint already has <see cref="OutboundEndpoint.MaxInFlight"/>
    /// deliveries under a live lease, or which has an earlier pending or sending delivery of the same task to the same
    /// endpoint (a delivered or dead one does not hold the next back). Deliveries claimed in this call count against
    /// MaxInFlight too. Two servers never hold one delivery at once.
    /// </summary>
    /// <returns>the claimed deliveries, now <see cref="OutboundDeliveryState.Sending"/>, oldest (smallest number) first.</returns>
    Task<IReadOnlyList<OutboundDelivery>> ClaimDueDeliveriesAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an attempt on a claimed delivery and moves it on in one transaction: delivered, pending again at
    /// <see cref="AttemptResult.RetryAt"/>, or dead; <see cref="AttemptOutcome.Gone"/> also disables the endpoint with the
    /// reason ("the receiver answered 410 Gone at 2026-12-05T10:00:00Z"). The attempt is numbered after the delivery's
    /// earlier ones (redeliveries continue the count); its error is clipped to <see cref="OutboundDelivery.MaxErrorLength"/>
    /// and its excerpt to <see cref="OutboundAttempt.MaxExcerptLength"/>. A lease that lapsed but that no other server has
    /// taken since still counts as held, so a slow success is kept rather than sent again.
    /// </summary>
    /// <returns>false when <paramref name="owner"/> no longer held it (nothing was written).</returns>
    Task<bool> RecordAttemptAsync(string deliveryId, string owner, AttemptResult result, CancellationToken cancellationToken = default);

    /// <returns>
    /// the earliest time a claim may find something: when the first pending delivery of an active endpoint with room
    /// under its MaxInFlight (and nothing earlier of its task before it) becomes due, or when a delivery being sent to an
    /// active endpoint has its lease lapse (freeing room); null when none waits. It may be in the past (due now).
    /// </returns>
    Task<DateTimeOffset?> NextDeliveryDueAsync(CancellationToken cancellationToken = default);

    // --- looking and redelivering ---

    /// <summary>An endpoint's deliveries, newest first, optionally of one state, before <paramref name="beforeNumber"/> when given.</summary>
    /// <param name="limit">1 to 1,000.</param>
    /// <returns>a page; unknown endpoints give an empty one.</returns>
    Task<DeliveryPage> ListDeliveriesAsync(string endpointId, OutboundDeliveryState? state, long? beforeNumber, int limit, CancellationToken cancellationToken = default);

    Task<OutboundDelivery?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <returns>the delivery's attempts, oldest first.</returns>
    Task<IReadOnlyList<OutboundAttempt>> ListAttemptsAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a delivered or dead delivery again: pending, due at once, its attempt count (for the schedule) back to 0,
    /// its id kept, its attempts kept (new ones are numbered after them). A delivery pending or sending is left as it is.
    /// Later deliveries of the same task to the same endpoint wait for it again.
    /// </summary>
    /// <returns>the delivery as it is now, or null when unknown.</returns>
    Task<OutboundDelivery?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <returns>deliveries per state across all endpoints (for metrics and health).</returns>
    Task<IReadOnlyDictionary<OutboundDeliveryState, long>> CountDeliveriesAsync(CancellationToken cancellationToken = default);
}
