using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>A person approved (<c>step.approved</c>) or rejected (<c>step.rejected</c>) a step that waited for approval.</summary>
/// <param name="Step">the step's name.</param>
/// <param name="By">who decided.</param>
/// <param name="Reason">the reason given with a rejection.</param>
public sealed record StepDecisionPayload(string Step, string By, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
