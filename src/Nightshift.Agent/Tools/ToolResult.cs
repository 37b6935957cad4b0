using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Tools;

/// <summary>What a tool call gives back to the model.</summary>
/// <param name="Content">the text the model reads.</param>
/// <param name="IsError">the call was refused or failed; <paramref name="Content"/> says why and what to do.</param>
/// <param name="FinishSummary">set by the finish tool: the agent's own summary of its change.</param>
public sealed record ToolResult(string Content, bool IsError = false, string? FinishSummary = null)
{
    /// <summary>Set by the finish tool: tests that failed before the change, still fail, and are outside the task, each with why.</summary>
    public IReadOnlyList<OutOfScopeTest> OutOfScope { get; init; } = [];

    /// <summary>Set by the finish tool when the task was a question that needs no change: the answer.</summary>
    public string? Answer { get; init; }

    /// <summary>Set by the ask tool: the question for the person; the agent's attempt stops here and resumes with the answer.</summary>
    public string? Question { get; init; }

    public static ToolResult Error(string message) => new(message, IsError: true);
}
