namespace Nightshift.Agent.Dag;

/// <summary>
/// One subtask's end: <see cref="Commit"/> is the task branch's commit holding its work (completed or reused);
/// <see cref="Reason"/> says why it failed or was skipped.
/// </summary>
internal sealed record SubtaskOutcome(string Id, SubtaskStatus Status, string Fingerprint, string? Commit, string? Summary, string? Reason, bool ConflictResolved);
