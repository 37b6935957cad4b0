namespace Nightshift.Agent.Dag;

/// <summary>A subtask an earlier attempt finished, from the task's checkpoint: its fingerprint then and the task branch commit holding it.</summary>
internal sealed record FinishedSubtask(string Fingerprint, string? Commit, string? Summary = null);
