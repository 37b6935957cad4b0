using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

/// <summary>What a run publishes (<c>pull_request:</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PullRequestMode>))]
public enum PullRequestMode
{
    /// <summary>One pull request from the run's branch when the run ends with a change (draft when it needs review).</summary>
    [JsonStringEnumMemberName("end")] End,

    /// <summary>After every step that changed something, a pull request from a branch holding the run's work up to that step.</summary>
    [JsonStringEnumMemberName("per_step")] PerStep,

    /// <summary>Only the run's branch is pushed.</summary>
    [JsonStringEnumMemberName("none")] None,
}
