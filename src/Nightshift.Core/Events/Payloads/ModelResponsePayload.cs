namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor after each model call, with its usage and cost.</summary>
/// <param name="Role">which agent: <c>build</c>, <c>plan</c> or <c>merge</c>.</param>
/// <param name="Step">the loop's step.</param>
/// <param name="Provider">the provider that answered.</param>
/// <param name="Model">the model that answered.</param>
/// <param name="InputTokens">input tokens billed.</param>
/// <param name="OutputTokens">output tokens billed.</param>
/// <param name="CachedTokens">input tokens served from the provider's cache.</param>
/// <param name="CostUsd">the call's cost in US dollars, null when the model's price is unknown.</param>
/// <param name="CostKnown">false when the model's price is unknown.</param>
/// <param name="ToolCalls">tool calls the answer asked for.</param>
/// <param name="DurationMs">how long the call took, in milliseconds.</param>
/// <param name="Text">the answer's text (at most 4,000 characters), null when it had none.</param>
public sealed record ModelResponsePayload(
    string Role,
    int Step,
    string Provider,
    string Model,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    decimal? CostUsd,
    bool CostKnown,
    int ToolCalls,
    long DurationMs,
    string? Text);
