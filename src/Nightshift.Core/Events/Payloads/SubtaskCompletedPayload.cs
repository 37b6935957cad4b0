namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// A subtask's work is on the task branch (committed there, or merged into it from its own
/// worktree), or it needed no change. Recorded in the task's checkpoint before this event is emitted.
/// </summary>
/// <param name="Id">the subtask's id in the plan.</param>
/// <param name="Commit">the task branch's commit holding its work; null when it changed nothing in the task's worktree.</param>
/// <param name="Summary">what the build agent said it did (at most 2,000 characters).</param>
/// <param name="Steps">model steps the build agent took on it.</param>
/// <param name="Reason">always null for a completed subtask; present so it has the shape of <see cref="SubtaskFailedPayload"/>.</param>
public sealed record SubtaskCompletedPayload(string Id, string? Commit, string? Summary, int Steps, string? Reason);
