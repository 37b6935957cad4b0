using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// A commit was made for the task. Three shapes, members left out rather than null:
/// a subtask committed in the task's worktree (<see cref="Commit"/>, <see cref="Branch"/>, <see cref="Files"/>,
/// <see cref="Subtask"/>); a subtask committed on a branch of its own, to be merged later (<see cref="Commit"/>,
/// <see cref="Subtask"/>, <see cref="Merged"/> false); the task's final commit (<see cref="Commit"/>,
/// <see cref="Branch"/>, <see cref="Files"/>).
/// </summary>
/// <param name="Commit">the new commit's id.</param>
public sealed record CommitCreatedPayload(string Commit)
{
    /// <summary>Most paths <see cref="Files"/> lists.</summary>
    public const int MaxFiles = 200;

    /// <summary>The branch it was made on (the task's branch); absent for a subtask's own commit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Branch { get; init; }

    /// <summary>Paths it changed, at most 200; absent for a subtask's own commit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>The id of the subtask whose work it holds; absent for the task's final commit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subtask { get; init; }

    /// <summary>False for a subtask's commit on its own branch, not yet merged into the task branch; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Merged { get; init; }
}
