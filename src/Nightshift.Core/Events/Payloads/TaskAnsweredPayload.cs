namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when the task's question was answered, or its wait ran out; the task is queued to resume.</summary>
/// <param name="Author">who answered; "nightshift" when the wait ran out.</param>
/// <param name="Source">where the answer came from (api, cli, dashboard, a forge); "timeout" when the wait ran out.</param>
/// <param name="Answer">the answer the agent resumes with.</param>
/// <param name="TimedOut">true when nobody answered in time and the default answer was taken.</param>
public sealed record TaskAnsweredPayload(
    string Author,
    string Source,
    string Answer,
    bool TimedOut);
