using System.Text.Json.Serialization;

namespace Nightshift.Core.Tasks;

/// <summary>Where a task stands. Terminal states only change through an explicit retry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskState>))]
public enum TaskState
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>The plan waits for a person; no worker slot or lease is held meanwhile.</summary>
    [JsonStringEnumMemberName("awaiting_approval")] AwaitingApproval,
    /// <summary>The agent asked a question and waits for the answer; no worker slot or lease is held meanwhile.</summary>
    [JsonStringEnumMemberName("awaiting_input")] AwaitingInput,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
    [JsonStringEnumMemberName("timed_out")] TimedOut,
    /// <summary>A change exists (branch and draft pull request) but verification did not pass.</summary>
    [JsonStringEnumMemberName("needs_review")] NeedsReview,
    /// <summary>Every attempt failed (the dead letter): the reason of each is kept, and a person may retry it.</summary>
    [JsonStringEnumMemberName("dead")] Dead,
}
