using System.Text.Json.Serialization;

namespace Nightshift.Core.Tasks;

/// <summary>What a running task is doing right now.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskPhase>))]
public enum TaskPhase
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("preparing")] Preparing,
    [JsonStringEnumMemberName("planning")] Planning,
    [JsonStringEnumMemberName("awaiting_approval")] AwaitingApproval,
    [JsonStringEnumMemberName("building")] Building,
    [JsonStringEnumMemberName("verifying")] Verifying,
    [JsonStringEnumMemberName("publishing")] Publishing,
}
