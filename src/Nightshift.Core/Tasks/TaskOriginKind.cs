using System.Text.Json.Serialization;

namespace Nightshift.Core.Tasks;

/// <summary>What on a forge a task came from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskOriginKind>))]
public enum TaskOriginKind
{
    [JsonStringEnumMemberName("issue")] Issue,
    /// <summary>A pull request (GitLab: merge request): a comment, a review or a failed check on it.</summary>
    [JsonStringEnumMemberName("pull_request")] PullRequest,
}
