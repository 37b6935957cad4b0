namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when a tool call returns.</summary>
/// <param name="CallId">the id of the call answered.</param>
/// <param name="Tool">the tool's name.</param>
/// <param name="IsError">true when the tool reported an error to the model.</param>
/// <param name="DurationMs">how long the tool ran, in milliseconds.</param>
/// <param name="Content">what the model was given back (at most 4,000 characters).</param>
public sealed record ToolResultPayload(
    string CallId,
    string Tool,
    bool IsError,
    long DurationMs,
    string Content);
