namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when a subtask built in a worktree of its own was merged into the task branch.</summary>
/// <param name="Id">the subtask's id.</param>
/// <param name="Commit">the task branch's commit after the merge.</param>
/// <param name="SubtaskCommit">the subtask's own commit that was merged.</param>
/// <param name="ConflictResolved">true when the merge conflicted and the build agent resolved it.</param>
public sealed record SubtaskMergedPayload(
    string Id,
    string? Commit,
    string? SubtaskCommit,
    bool ConflictResolved);
