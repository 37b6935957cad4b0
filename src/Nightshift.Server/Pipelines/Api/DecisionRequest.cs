using System.Text.Json.Serialization;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>The optional body of a step's approve or reject: <c>{"reason": "…"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DecisionRequest
{
    public string? Reason { get; init; }
}
