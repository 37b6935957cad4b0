namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when merging a subtask into the task branch conflicted; the build agent is asked to resolve it (its model events carry <c>role: "merge"</c>).</summary>
/// <param name="Id">the subtask's id.</param>
/// <param name="Paths">the conflicted files (at most 200).</param>
/// <param name="HeadCommit">the task branch's commit the merge started from.</param>
/// <param name="SubtaskCommit">the subtask's commit being merged.</param>
/// <param name="MergedSubtasks">ids of subtasks already merged into the task branch.</param>
public sealed record SubtaskConflictedPayload(
    string Id,
    IReadOnlyList<string> Paths,
    string HeadCommit,
    string SubtaskCommit,
    IReadOnlyList<string> MergedSubtasks);
