using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Workspaces;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The setup cache around a task's setup: before setup, the key (organisation, repository, setup commands, lock
/// files, sandbox image) is made and a stored entry restored as copies into the worktree and the task's cache folder,
/// which skips setup (<c>setup.cache_hit</c>); otherwise setup runs, and afterwards what it made is stored for the next
/// task and <c>setup.cache_miss</c> says why nothing was restored and whether the result was kept. The cache never fails
/// a task: anything that goes wrong with it is a miss with its reason.
/// </summary>
internal sealed partial class CachedSetup(SetupCacheStore store, ITaskWorkspaces workspaces, TimeProvider time, IReadOnlyList<string>? toolchainPaths, ILogger logger)
{
    public async Task<CachedSetupLookup> LookupAsync(ISetupAttempt attempt, Workspace workspace, CancellationToken cancellationToken)
    {
        var config = attempt.Config;
        SetupCacheKeyResult key;
        if (!store.Options.Enabled)
        {
            key = SetupCacheKeyResult.Uncached("the setup cache is off (Sandbox:SetupCache:Enabled)");
        }
        else
        {
            try
            {
                key = await SetupCacheKeys.ComputeAsync(
                    workspace.Path, config.Cache, attempt.Task.OrgId, workspace.Repository, config.Setup, SandboxImage.Fingerprint(toolchainPaths), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                key = SetupCacheKeyResult.Uncached($"the lock files could not be read: {e.Message}");
            }
        }
        if (key.Key is null)
        {
            return new CachedSetupLookup(false, key, key.Reason ?? "setup is not cached", time.GetTimestamp());
        }
        var restore = await store.RestoreAsync(key.Key, workspace.Path, attempt.Cache, cancellationToken);
        if (restore.Entry is { } entry)
        {
            await attempt.Run.EmitAsync(EventTypes.SetupCacheHit, NightshiftJson.Payload(new SetupCacheHitPayload(
                key.Key.Hash, entry.Bytes, entry.Files, (long)restore.Took.TotalMilliseconds, entry.SetupMs)), cancellationToken);
            return new CachedSetupLookup(true, key, "", time.GetTimestamp());
        }
        return new CachedSetupLookup(false, key, restore.Reason ?? "nothing to restore", time.GetTimestamp());
    }

    /// <summary>After setup ran: stores its result when it succeeded, and emits <c>setup.cache_miss</c>.</summary>
    public async Task AfterSetupAsync(ISetupAttempt attempt, Workspace workspace, CachedSetupLookup lookup, bool succeeded, CancellationToken cancellationToken)
    {
        var took = time.GetElapsedTime(lookup.SetupStarted);
        string? notStored = null;
        var stored = false;
        if (lookup.Key.Key is { } key)
        {
            if (!succeeded)
            {
                notStored = "setup failed";
            }
            else if (attempt.Run.Attempt > 1)
            {
                // The worktree and /cache of a later attempt may hold what an earlier attempt's agent wrote.
                notStored = "only a task's first attempt stores setup's result";
            }
            else
            {
                try
                {
                    var output = await workspaces.SetupOutputAsync(workspace, cancellationToken);
                    var save = output is null
                        ? SetupCacheSave.NotStored("this workspace cannot list what setup made")
                        : await store.StoreAsync(key, workspace.Path, output, attempt.Cache, took, lookup.Key.Files, cancellationToken);
                    stored = save.Stored;
                    notStored = save.Reason;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or NightshiftException)
                {
                    LogStoreFailed(logger, attempt.Task.Id, e.Message);
                    notStored = $"storing failed: {e.Message}";
                }
            }
        }
        await attempt.Run.EmitAsync(EventTypes.SetupCacheMiss, NightshiftJson.Payload(new SetupCacheMissPayload(
            lookup.Key.Key?.Hash, lookup.Reason, succeeded ? (long)took.TotalMilliseconds : null, stored, notStored)), cancellationToken);
    }

    [LoggerMessage(EventId = 6210, Level = LogLevel.Warning, Message = "Task {TaskId}: setup's result could not be stored in the setup cache: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string taskId, string reason);
}
