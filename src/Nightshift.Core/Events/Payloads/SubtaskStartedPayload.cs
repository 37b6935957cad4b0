namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// The build agent is about to work on one subtask of the task's plan (its worktree is ready).
/// </summary>
/// <param name="Id">the subtask's id in the plan.</param>
/// <param name="Title">the subtask's title.</param>
/// <param name="Index">its position in the plan's dependency order, from 0.</param>
/// <param name="Total">how many subtasks the plan holds.</param>
/// <param name="DependsOn">ids of the subtasks it builds on (as the plan gave them; null when the plan gave none).</param>
/// <param name="Worktree"><c>task</c> when it is built in the task's own worktree, <c>own</c> when in a worktree of its own (built alongside others, then merged).</param>
public sealed record SubtaskStartedPayload(string Id, string Title, int Index, int Total, IReadOnlyList<string>? DependsOn, string Worktree);
