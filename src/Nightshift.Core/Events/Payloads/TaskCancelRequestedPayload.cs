using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when cancellation of a running task is asked for; the worker stops it and it ends <c>task.cancelled</c>.</summary>
/// <param name="Reason">why, as the person asking gave it; not written when none was given.</param>
public sealed record TaskCancelRequestedPayload(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
