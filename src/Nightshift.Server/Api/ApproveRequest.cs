using System.Text.Json;

namespace Nightshift.Server.Api;

/// <param name="Plan">a replacement plan (JSON object); absent to approve the plan as proposed.</param>
public sealed record ApproveRequest(JsonElement? Plan);
