namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the repository's setup result was restored from the setup cache, so no setup command ran.</summary>
/// <param name="Key">the cache key (64 hex digits: SHA-256 over the lock files, setup commands, sandbox image, organisation and repository).</param>
/// <param name="EntryBytes">bytes of file content restored into the worktree and the task's cache folder.</param>
/// <param name="Files">files and links restored.</param>
/// <param name="RestoreMs">how long the restore took, in milliseconds.</param>
/// <param name="SavedMs">how long the setup commands took when the entry was made: the time the restore saved.</param>
public sealed record SetupCacheHitPayload(
    string Key,
    long EntryBytes,
    int Files,
    long RestoreMs,
    long SavedMs);
