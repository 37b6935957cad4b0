namespace Nightshift.Storage.Outbound;

/// <summary>
/// Somewhere Nightshift tells about task events: a signed webhook, a Slack-compatible chat, or email recipients.
/// </summary>
/// <param name="Id">public id (<c>we_…</c>); for endpoints declared in the configuration, the stable id given there.</param>
/// <param name="Url">where a webhook or chat message is POSTed; null for email.</param>
/// <param name="Recipients">email addresses (email only; empty otherwise).</param>
/// <param name="EventTypes">event types delivered: exact names (<c>task.succeeded</c>) or a prefix with <c>.*</c> (<c>task.*</c>); empty means every event.</param>
/// <param name="Repositories">repositories whose tasks are delivered, as tasks name them (<see cref="Core.Tasks.TaskRecord"/>'s repo); empty means all.</param>
/// <param name="Active">false once disabled (by a person, or by the receiver answering 410 Gone); its deliveries wait, none is dropped.</param>
/// <param name="DisabledReason">why it was disabled, in plain words; null while active.</param>
/// <param name="ManagedBy"><c>api</c> (made through the API or CLI) or <c>config</c> (declared in the configuration; changed only there).</param>
/// <param name="MaxInFlight">deliveries to it being sent at once across the fleet.</param>
/// <param name="MaxPerMinute">deliveries started per minute by one server; 0 for no limit.</param>
/// <param name="Secrets">its signing secrets (webhook only), oldest first, including expired ones not yet removed.</param>
public sealed record OutboundEndpoint(
    string Id,
    OutboundChannel Channel,
    string? Url,
    IReadOnlyList<string> Recipients,
    string? Description,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<string> Repositories,
    bool Active,
    string? DisabledReason,
    string ManagedBy,
    int MaxInFlight,
    int MaxPerMinute,
    IReadOnlyList<OutboundSecret> Secrets,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The organisation it belongs to: it is seen, changed and fed only by that organisation's tasks.</summary>
    public string OrgId { get; init; } = Core.Teams.OrgIds.Default;

    public const int MaxIdLength = 64;
    public const int MaxUrlLength = 2_048;
    public const int MaxDescriptionLength = 500;
    public const int MaxRecipients = 50;
    public const int MaxRecipientLength = 254;
    public const int MaxFilters = 100;
    public const int MaxFilterLength = 200;
    public const int MaxSecrets = 5;
    public const int DefaultMaxInFlight = 4;
    public const int MaxMaxInFlight = 64;
    public const int MaxMaxPerMinute = 60_000;
    public const int MaxEndpoints = 1_000;
    public const string ManagedByApi = "api";
    public const string ManagedByConfig = "config";
}
