namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the model calls a tool.</summary>
/// <param name="CallId">the call's id; the <c>tool.result</c> carries the same.</param>
/// <param name="Tool">the tool's name.</param>
/// <param name="Arguments">the arguments as the model wrote them (JSON text, at most 4,000 characters).</param>
public sealed record ToolCallPayload(
    string CallId,
    string Tool,
    string Arguments);
