using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>A step of a pipeline run started: its task was submitted.</summary>
/// <param name="Step">the step's name.</param>
/// <param name="Kind">agent or command.</param>
/// <param name="TaskId">the task that runs it.</param>
public sealed record StepStartedPayload(string Step, string Kind, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TaskId);
