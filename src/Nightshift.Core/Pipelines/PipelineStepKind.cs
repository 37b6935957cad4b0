using System.Text.Json.Serialization;

namespace Nightshift.Core.Pipelines;

[JsonConverter(typeof(JsonStringEnumConverter<PipelineStepKind>))]
public enum PipelineStepKind
{
    /// <summary>A task for the coding agent: plan, build, verify, push onto the run's branch.</summary>
    [JsonStringEnumMemberName("agent")] Agent,

    /// <summary>A shell command in the sandbox on the run's worktree; the last line of its stdout may be a JSON object, the step's output.</summary>
    [JsonStringEnumMemberName("command")] Command,
}
