namespace Nightshift.Agent.Dag;

/// <summary>What happened to a subtask.</summary>
public enum DagProgressKind
{
    /// <summary>Its worktree is ready and the build agent is about to start.</summary>
    Started,

    /// <summary>
    /// Its work is committed on its own branch (<see cref="DagProgress.SubtaskCommit"/>) and waits for its turn to be
    /// merged; recorded, it lets a run that crashes before the merge merge it without building it again.
    /// </summary>
    Built,

    /// <summary>Its work is merged into the task branch (or it changed nothing); a checkpoint should record it now.</summary>
    Completed,

    /// <summary>The agent failed, its commit failed, or its merge conflict was not resolved.</summary>
    Failed,

    /// <summary>Not run, because a subtask it depends on failed or was skipped.</summary>
    Skipped,

    /// <summary>Finished by an earlier attempt with the same fingerprint and still on the task branch; not run again.</summary>
    Reused,
}
