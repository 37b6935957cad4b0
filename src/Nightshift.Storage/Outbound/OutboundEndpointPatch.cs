namespace Nightshift.Storage.Outbound;

/// <summary>A change to an endpoint: each field left null stays as it is. Setting <see cref="Active"/> true clears the disabled reason.</summary>
public sealed record OutboundEndpointPatch(
    string? Url = null,
    IReadOnlyList<string>? Recipients = null,
    string? Description = null,
    IReadOnlyList<string>? EventTypes = null,
    IReadOnlyList<string>? Repositories = null,
    bool? Active = null,
    int? MaxInFlight = null,
    int? MaxPerMinute = null);
