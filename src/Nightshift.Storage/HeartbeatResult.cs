namespace Nightshift.Storage;

/// <param name="ExpiresAt">the lease's new expiry.</param>
/// <param name="CancelRequested">someone asked to cancel the task: stop, then finish it as cancelled.</param>
public sealed record HeartbeatResult(DateTimeOffset ExpiresAt, bool CancelRequested);
