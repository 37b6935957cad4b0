using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a person rejects a waiting plan; <c>task.cancelled</c> follows.</summary>
/// <param name="Reason">why, as the person gave it; not written when none was given.</param>
public sealed record PlanRejectedPayload(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
