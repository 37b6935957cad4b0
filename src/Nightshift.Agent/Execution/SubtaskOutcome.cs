namespace Nightshift.Agent.Execution;

/// <summary>How one subtask's build ended.</summary>
/// <param name="Commit">the commit holding the subtask's work, or null when it changed nothing.</param>
/// <param name="StopReason">why the build agent stopped before finishing (a budget), or null.</param>
public sealed record SubtaskOutcome(string SubtaskId, bool Succeeded, string? Summary, string? Commit, string? StopReason);
