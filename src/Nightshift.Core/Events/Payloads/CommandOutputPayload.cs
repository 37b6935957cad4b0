namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor as a jailed command prints: lines are sent in batches while it runs.</summary>
/// <param name="Purpose">the phase the command runs for: <c>setup</c>, <c>agent</c>, <c>plan</c> or <c>verify</c>.</param>
/// <param name="Command">the command line.</param>
/// <param name="Lines">output lines, in order.</param>
public sealed record CommandOutputPayload(
    string Purpose,
    string Command,
    IReadOnlyList<string> Lines);
