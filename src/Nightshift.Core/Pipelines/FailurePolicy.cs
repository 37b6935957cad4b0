using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

/// <summary>What a failed step does to its run (<c>on_failure:</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailurePolicy>))]
public enum FailurePolicy
{
    /// <summary>No further step starts; steps already running finish; the run fails naming the step.</summary>
    [JsonStringEnumMemberName("stop")] Stop,

    /// <summary>The failure is recorded and the run goes on; the run ends needs_review, not succeeded.</summary>
    [JsonStringEnumMemberName("continue")] Continue,
}
