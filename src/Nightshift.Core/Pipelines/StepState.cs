using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

/// <summary>Where one step of a run stands; its wire name is what conditions see as <c>steps.NAME.status</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    /// <summary>Waiting for the steps it depends on.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("awaiting_approval")] AwaitingApproval,
    /// <summary>Its task is submitted (queued or running).</summary>
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Its condition was false, a person rejected it, or the run stopped before it.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
