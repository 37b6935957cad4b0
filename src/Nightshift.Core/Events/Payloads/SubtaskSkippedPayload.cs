namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor for a subtask that is not built in this attempt: an earlier attempt finished it (same fingerprint), or one it depends on failed.</summary>
/// <param name="Id">the subtask's id.</param>
/// <param name="Commit">the commit the earlier attempt made for it, or null.</param>
/// <param name="Reason">why it is skipped.</param>
public sealed record SubtaskSkippedPayload(
    string Id,
    string? Commit,
    string? Reason);
