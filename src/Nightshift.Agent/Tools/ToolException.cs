namespace Nightshift.Agent.Tools;

/// <summary>
/// A tool call that cannot be carried out as asked (bad argument, path outside the worktree, snippet not found).
/// Its message goes back to the model so it can correct itself; it never ends the task.
/// </summary>
public sealed class ToolException(string message) : Exception(message);
