using System.Text.Json.Serialization;

namespace Nightshift.Core.Tasks;

/// <summary>One entry of a task's conversation, as <c>GET /api/v1/tasks/{id}/messages</c> lists it and the agent reads it.</summary>
/// <param name="Seq">its place in the task's conversation, from 1.</param>
/// <param name="Kind">message, question or answer.</param>
/// <param name="Author">who said it ("agent" for a question).</param>
/// <param name="Source">where it came from (api, cli, dashboard, a forge, "agent", "timeout").</param>
/// <param name="Text">what was said.</param>
/// <param name="At">when the store kept it.</param>
public sealed record TaskConversationEntry(long Seq, TaskMessageKind Kind, string Author, string Source, string Text, DateTimeOffset At)
{
    /// <summary>True once a running attempt of the task took it into the agent's conversation.</summary>
    public bool Delivered { get; init; }

    /// <summary>For a question: when it gives way to <see cref="DefaultAnswer"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? TimesOutAt { get; init; }

    /// <summary>For a question: the answer taken when nobody answers in time.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DefaultAnswer { get; init; }

    /// <summary>For an answer: true when it is the default one, taken because the wait ran out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TimedOut { get; init; }
}
