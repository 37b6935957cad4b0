namespace Nightshift.Agent.Dag;

/// <summary>
/// What an earlier attempt did with a subtask, from the task's checkpoint: its fingerprint then, and either
/// <see cref="Commit"/>, the task branch commit holding its merged work (it is reused when that commit is still on the
/// branch), or only <see cref="SubtaskCommit"/>, its built but unmerged commit (it is merged without building again
/// while that commit is still in the mirror).
/// </summary>
public sealed record FinishedSubtask(string Fingerprint, string? Commit, string? Summary = null)
{
    public string? SubtaskCommit { get; init; }
}
