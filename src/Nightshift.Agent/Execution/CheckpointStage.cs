using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// How far an attempt got, in the order a task passes through them. Stored in the checkpoint under its wire name
/// (<see cref="WireNameJsonConverter{TEnum}"/>), so checkpoints written before this type existed still resume.
/// </summary>
[JsonConverter(typeof(WireNameJsonConverter<CheckpointStage>))]
internal enum CheckpointStage
{
    /// <summary>The worktree is ready; nothing of the task has been done yet (also what an unknown stage reads as).</summary>
    Prepared = 0,
    Planned = 1,
    Built = 2,
    Verified = 3,
    Committed = 4,
    Pushed = 5,
    Published = 6,
}
