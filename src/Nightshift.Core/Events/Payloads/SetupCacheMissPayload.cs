namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// Emitted by the executor after the repository's setup ran because the setup cache had nothing to restore: why
/// (<paramref name="Reason"/>), how long setup took, and whether its result was stored for the next task.
/// </summary>
/// <param name="Key">the cache key looked for (64 hex digits); null when setup cannot be cached at all (no lock file, a lock file that is a link…).</param>
/// <param name="Reason">why nothing was restored, in words for a person.</param>
/// <param name="SetupMs">how long the setup commands took, in milliseconds; null when they failed.</param>
/// <param name="Stored">true when setup's result is now in the cache under <paramref name="Key"/>.</param>
/// <param name="NotStored">why the result was not stored (setup failed or changed tracked files, too big, another task stored it first…); null when stored or when there is no key.</param>
public sealed record SetupCacheMissPayload(
    string? Key,
    string Reason,
    long? SetupMs,
    bool Stored,
    string? NotStored);
