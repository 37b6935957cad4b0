namespace Nightshift.Agent.Execution;

/// <summary>A subtask an attempt ran: its fingerprint (so a changed plan does not reuse it), its commit and summary.</summary>
/// <param name="Status">completed or failed; only completed subtasks with an unchanged fingerprint are skipped on resume.</param>
internal sealed record SubtaskProgress(string Id, string Fingerprint, string Status, string? Commit, string? Summary);
