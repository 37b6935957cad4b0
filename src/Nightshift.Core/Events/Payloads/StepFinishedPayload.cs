using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>A step of a pipeline run ended: <c>step.succeeded</c> or <c>step.failed</c>.</summary>
/// <param name="Step">the step's name.</param>
/// <param name="TaskId">the task that ran it.</param>
/// <param name="Output">the step's output object, when it has one.</param>
/// <param name="Reason">why it failed, in words for a person (<c>step.failed</c>).</param>
/// <param name="Continued">true when the run goes on despite the failure (<c>on_failure: continue</c>).</param>
public sealed record StepFinishedPayload(
    string Step,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TaskId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Output = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Continued = null);
