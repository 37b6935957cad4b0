using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Server.Api;

/// <param name="Plan">a replacement plan (JSON object); absent to approve the plan as proposed.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ApproveRequest(JsonElement? Plan);
