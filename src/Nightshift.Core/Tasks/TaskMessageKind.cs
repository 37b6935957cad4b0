using System.Text.Json.Serialization;

namespace Nightshift.Core.Tasks;

/// <summary>What one entry of a task's conversation is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskMessageKind>))]
public enum TaskMessageKind
{
    /// <summary>A person's message to the task while it was queued or running.</summary>
    [JsonStringEnumMemberName("message")] Message,

    /// <summary>The agent's clarifying question.</summary>
    [JsonStringEnumMemberName("question")] Question,

    /// <summary>The answer to the question before it (a person's, or the default one when the wait ran out).</summary>
    [JsonStringEnumMemberName("answer")] Answer,
}
