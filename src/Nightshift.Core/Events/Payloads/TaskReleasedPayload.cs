using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a worker hands a running task back to the queue (shutdown); the attempt is not counted. Written over the outcome's details object, if any.</summary>
/// <param name="Attempt">the attempt that was handed back.</param>
/// <param name="Reason">why it was handed back, when the worker said.</param>
public sealed record TaskReleasedPayload(
    int Attempt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
