using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

/// <summary>What a task of a pipeline run does.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunTaskKind>))]
public enum RunTaskKind
{
    /// <summary>An agent step: the usual plan, build, verify; pushed onto the run's branch, no pull request of its own.</summary>
    [JsonStringEnumMemberName("agent")] Agent,

    /// <summary>A command step: no model; the command runs in the sandbox on the run's worktree, changes are committed and pushed.</summary>
    [JsonStringEnumMemberName("command")] Command,

    /// <summary>The run's pull request: no model, no command; opens (or updates) the pull request of a branch of the run.</summary>
    [JsonStringEnumMemberName("pull_request")] PullRequest,
}
