namespace Nightshift.Agent.Tools;

/// <summary>What a tool call gives back to the model.</summary>
/// <param name="Content">the text the model reads.</param>
/// <param name="IsError">the call was refused or failed; <paramref name="Content"/> says why and what to do.</param>
/// <param name="FinishSummary">set by the finish tool: the agent's own summary of its change.</param>
public sealed record ToolResult(string Content, bool IsError = false, string? FinishSummary = null)
{
    public static ToolResult Error(string message) => new(message, IsError: true);
}
