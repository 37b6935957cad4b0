using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Where a subtask stands. The checkpoint stores <see cref="Built"/>, <see cref="Completed"/> and <see cref="Failed"/>
/// under their wire names (built, completed, failed: the strings checkpoints held before this type existed); the other
/// states are only reported, never stored.
/// </summary>
[JsonConverter(typeof(WireNameJsonConverter<SubtaskState>))]
public enum SubtaskState
{
    /// <summary>Its worktree is ready and the build agent is about to start (also what an unknown stored state reads as: nothing done).</summary>
    Started = 0,

    /// <summary>
    /// Committed on its own branch (<see cref="SubtaskResult.SubtaskCommit"/>), waiting for its turn to be merged;
    /// recorded so a run that crashes before the merge merges it without building it again.
    /// </summary>
    Built = 1,

    /// <summary>Its work is on the task branch (<see cref="SubtaskResult.Commit"/>), or it changed nothing.</summary>
    Completed = 2,

    /// <summary>The agent stopped early, its commit failed, or its merge conflict was not resolved.</summary>
    Failed = 3,

    /// <summary>Not run, because a subtask it depends on failed or was skipped.</summary>
    Skipped = 4,

    /// <summary>Finished by an earlier attempt with the same fingerprint and still on the task branch; not run again.</summary>
    Reused = 5,
}
