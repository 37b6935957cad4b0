namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// Emitted by the store when the agent asks a clarifying question: the task is awaiting_input, holding no worker, until
/// a message answers it or <paramref name="TimesOutAt"/> passes.
/// </summary>
/// <param name="Question">the agent's question, in its words.</param>
/// <param name="TimesOutAt">when the task resumes with <paramref name="DefaultAnswer"/> if nobody has answered.</param>
/// <param name="DefaultAnswer">the answer taken when the wait runs out (Agent:DefaultAnswer).</param>
public sealed record TaskQuestionPayload(
    string Question,
    DateTimeOffset TimesOutAt,
    string DefaultAnswer);
