using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

/// <summary>Where a pipeline run stands. Succeeded only when every step that ran succeeded.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>Nothing runs; a step waits for a person's approval.</summary>
    [JsonStringEnumMemberName("awaiting_approval")] AwaitingApproval,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    /// <summary>The run ended, but a step failed under on_failure: continue or a step's change was not verified.</summary>
    [JsonStringEnumMemberName("needs_review")] NeedsReview,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
