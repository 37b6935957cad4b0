using System.Text.Json.Serialization;

namespace Nightshift.Server.Api;

/// <summary>The optional body of cancel and reject.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReasonRequest(string? Reason);
