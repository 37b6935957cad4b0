using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a worker claims the task and an attempt starts.</summary>
/// <param name="Attempt">the attempt's number, 1 for the first.</param>
/// <param name="Worker">the id of the worker that claimed it.</param>
public sealed record TaskStartedPayload(
    int Attempt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Worker = null);
