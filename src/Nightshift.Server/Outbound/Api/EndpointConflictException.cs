using Nightshift.Core.Errors;

namespace Nightshift.Server.Outbound.Api;

/// <summary>The endpoint or delivery exists but cannot do that now (HTTP 409); <see cref="Title"/> is the short form.</summary>
internal sealed class EndpointConflictException(string title, string detail) : NightshiftException(detail)
{
    public string Title { get; } = title;
}
