using System.Text.Json.Serialization;

namespace Nightshift.Server.Api;

/// <summary>The body of <c>POST /api/v1/tasks/{id}/messages</c>: what to tell the task (or the answer to its question).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MessageRequest(string? Text);
