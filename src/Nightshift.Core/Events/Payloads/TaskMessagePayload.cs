namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// Emitted by the store when a person sends a queued or running task a message (API, CLI, dashboard, a forge comment);
/// the agent receives it at its next model turn, framed as coming from the person, as data.
/// </summary>
/// <param name="Author">who sent it: the authenticated caller, "api", or the forge user.</param>
/// <param name="Source">where it came from: api, cli, dashboard, github, gitlab, gitea, …</param>
/// <param name="Text">the message as sent.</param>
public sealed record TaskMessagePayload(
    string Author,
    string Source,
    string Text);
