using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// One subtask's result, in every place it travels: what the build agent returns for it, what a scheduler reports to
/// the <see cref="SubtaskJournal"/>, what the checkpoint keeps (so a resumed attempt skips it or merges it without
/// building it again) and what a scheduler returns at the end.
/// </summary>
/// <param name="Id">the subtask's id in the plan.</param>
/// <param name="Fingerprint">the plan fingerprint it was built under; a changed plan does not reuse it.</param>
/// <param name="Status">where it stands; stored under its wire name.</param>
public sealed record SubtaskResult(string Id, string Fingerprint, SubtaskState Status)
{
    /// <summary>The task branch's commit holding its work: completed (null when nothing was committed) or reused.</summary>
    public string? Commit { get; init; }

    /// <summary>Its commit on its own branch, when it was built in a worktree of its own (absent from older checkpoints).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SubtaskCommit { get; init; }

    /// <summary>What the build agent said it did.</summary>
    public string? Summary { get; init; }

    /// <summary>Why it failed or was skipped, for a person; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Model steps the build agent took on it in this attempt.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Steps { get; init; }

    /// <summary>Its merge into the task branch conflicted and the conflict was resolved.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ConflictResolved { get; init; }

    /// <summary>True when its work is on the task branch: completed now or by an earlier attempt.</summary>
    [JsonIgnore]
    public bool Succeeded => Status is SubtaskState.Completed or SubtaskState.Reused;

    /// <summary>What the build agent returns when it finished the subtask.</summary>
    public static SubtaskResult Done(SubtaskWork work, string? summary, int steps = 0) =>
        new(work.Subtask.Id, work.Fingerprint, SubtaskState.Completed) { Summary = summary, Steps = steps };

    /// <summary>What the build agent returns when it stopped before finishing.</summary>
    public static SubtaskResult Stopped(SubtaskWork work, string reason, string? summary = null, int steps = 0) =>
        new(work.Subtask.Id, work.Fingerprint, SubtaskState.Failed) { Reason = reason, Summary = summary, Steps = steps };

    /// <summary>
    /// What a builder returned, taken as <paramref name="work"/>'s result: completed or failed (with a reason), under
    /// that subtask's id and fingerprint, with no commit (commits are the scheduler's). A builder cannot claim another
    /// subtask, a commit or a state it cannot reach.
    /// </summary>
    internal static SubtaskResult FromBuilder(SubtaskResult? built, SubtaskWork work) => built switch
    {
        null => Stopped(work, "the build agent returned no result"),
        { Status: SubtaskState.Completed } => built with { Id = work.Subtask.Id, Fingerprint = work.Fingerprint, Commit = null, SubtaskCommit = null, Reason = null, ConflictResolved = false },
        _ => built with
        {
            Id = work.Subtask.Id,
            Fingerprint = work.Fingerprint,
            Status = SubtaskState.Failed,
            Commit = null,
            SubtaskCommit = null,
            ConflictResolved = false,
            Reason = string.IsNullOrWhiteSpace(built.Reason) ? "the build agent gave no reason" : built.Reason,
        },
    };
}
