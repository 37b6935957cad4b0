using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Serialization;
using Nightshift.Workspaces.Files;
using Nightshift.Workspaces.Internal;

namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// The setup cache on disk: <c>&lt;Folder&gt;/&lt;org&gt;/&lt;repository key&gt;/&lt;key&gt;/</c> holding
/// <c>entry.json</c>, <c>worktree/</c> (the files setup made in the worktree) and <c>cache/</c> (the task's cache folder).
/// An entry is built in a staging folder and renamed into place, so it is whole or absent; the first of two tasks
/// storing the same key wins. A restore copies (never links) the entry into a new worktree and cache folder, checking
/// as it goes that it holds only folders, regular files and links that stay inside; the task's jail can then change
/// its copy without touching the entry. Entries of one organisation or repository are never looked for under another's
/// folder. After each store the least recently used entries are deleted until all fit in <c>MaxBytes</c>.
/// </summary>
public sealed partial class SetupCacheStore
{
    private const string EntryFile = "entry.json";
    private const string WorktreePart = "worktree";
    private const string CachePart = "cache";
    private const string Staging = ".staging";
    private const string Trash = ".trash";
    private const int MaxEntryFileBytes = 64 * 1024;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SetupCacheStore(IOptions<SetupCacheOptions> options, IOptions<WorkspaceOptions> workspaceOptions, TimeProvider time, ILogger<SetupCacheStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(workspaceOptions);
        Options = options.Value;
        Folder = Path.GetFullPath(Options.Folder ?? DefaultFolder(workspaceOptions.Value.DataDirectory));
        _time = time;
        _logger = logger;
    }

    public SetupCacheOptions Options { get; }

    /// <summary>The folder every entry lives under.</summary>
    public string Folder { get; }

    /// <summary><c>setup-cache</c> in the data folder <paramref name="dataDirectory"/> (null: Nightshift's data folder).</summary>
    public static string DefaultFolder(string? dataDirectory) => Path.Combine(NightshiftPaths.ResolveDataDirectory(dataDirectory), "setup-cache");

    /// <summary>An organisation id or repository key usable as one folder name: letters, digits, '.', '_', '-', not starting with '.'.</summary>
    public static bool IsSafeName(string? name) =>
        name is { Length: > 0 and <= 200 } && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// Restores the entry for <paramref name="key"/> into <paramref name="worktree"/> and <paramref name="cacheFolder"/>,
    /// or says why not: none stored, or it could not be copied (then nothing of it stays, and a damaged entry is removed).
    /// </summary>
    public async Task<SetupCacheRestore> RestoreAsync(SetupCacheKey key, string worktree, string cacheFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Options.Enabled)
        {
            return SetupCacheRestore.Miss("the setup cache is off (Sandbox:SetupCache:Enabled)");
        }
        var folder = EntryFolder(key);
        if (ReadEntry(folder) is not { } entry || entry.Key != key.Hash || entry.OrgId != key.OrgId || entry.RepoKey != key.RepoKey)
        {
            return SetupCacheRestore.Miss($"no entry for key {key.Short} yet");
        }
        var started = _time.GetTimestamp();
        try
        {
            await Task.Run(() => TreeCopy.Copy(
                [
                    new TreeCopyPart(Path.Join(folder, WorktreePart), Children(Path.Join(folder, WorktreePart)), worktree),
                    new TreeCopyPart(Path.Join(folder, CachePart), Children(Path.Join(folder, CachePart)), cacheFolder),
                ],
                Options.MaxEntryBytes, sourceIsOurs: true, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var destinationProblem = e is TreeCopyException && e.Message.Contains("already in the destination", StringComparison.Ordinal);
            if (!destinationProblem && Directory.Exists(folder))
            {
                // A damaged entry would fail every later task the same way.
                LogDamaged(_logger, key.Short, key.RepoKey, e.Message);
                Remove(folder);
            }
            return SetupCacheRestore.Miss($"entry {key.Short} could not be restored: {e.Message}");
        }
        var took = _time.GetElapsedTime(started);
        var used = entry with { LastUsedAt = _time.GetUtcNow(), Hits = entry.Hits + 1 };
        TryWriteEntry(folder, used);
        LogRestored(_logger, key.Short, key.RepoKey, entry.Files, entry.Bytes, (long)took.TotalMilliseconds);
        return new SetupCacheRestore(used, null, took);
    }

    /// <summary>
    /// Stores what setup made: the untracked files of <paramref name="output"/> in <paramref name="worktree"/> and all of
    /// <paramref name="cacheFolder"/>, unless setup changed tracked files, something may not be copied, or it is bigger
    /// than <c>MaxEntryBytes</c>. Then evicts the least recently used entries until the cache fits <c>MaxBytes</c>.
    /// </summary>
    public async Task<SetupCacheSave> StoreAsync(
        SetupCacheKey key, string worktree, SetupOutput output, string cacheFolder, TimeSpan setupTook, IReadOnlyList<string> lockFiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(output);
        if (!Options.Enabled)
        {
            return SetupCacheSave.NotStored("the setup cache is off (Sandbox:SetupCache:Enabled)");
        }
        if (output.ChangedTracked.Count > 0)
        {
            return SetupCacheSave.NotStored(
                $"setup changed files the repository tracks ({string.Join(", ", output.ChangedTracked.Take(5).Select(Clip))}{(output.ChangedTracked.Count > 5 ? ", …" : "")}), which a cached result could not bring back; make setup leave tracked files alone");
        }
        var folder = EntryFolder(key);
        if (Directory.Exists(folder))
        {
            return SetupCacheSave.NotStored($"entry {key.Short} is stored already");
        }
        var staging = Path.Join(Folder, Staging, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            TreeCopyResult copied;
            try
            {
                copied = await Task.Run(() => TreeCopy.Copy(
                    [
                        new TreeCopyPart(worktree, output.Untracked, Path.Join(staging, WorktreePart)),
                        new TreeCopyPart(cacheFolder, Children(cacheFolder), Path.Join(staging, CachePart)),
                    ],
                    Options.MaxEntryBytes, sourceIsOurs: false, cancellationToken), cancellationToken);
            }
            catch (TreeCopyException e) when (e.Message.Contains("more than", StringComparison.Ordinal) && e.Message.Contains("bytes", StringComparison.Ordinal))
            {
                return SetupCacheSave.NotStored($"setup's result is bigger than Sandbox:SetupCache:MaxEntryBytes ({Options.MaxEntryBytes} bytes); raise it to cache this repository's setup");
            }
            catch (TreeCopyException e)
            {
                return SetupCacheSave.NotStored($"setup's result cannot be cached: {e.Message}");
            }
            var now = _time.GetUtcNow();
            var entry = new SetupCacheEntry
            {
                OrgId = key.OrgId,
                RepoKey = key.RepoKey,
                RepoLocation = key.RepoLocation,
                Key = key.Hash,
                CreatedAt = now,
                LastUsedAt = now,
                Bytes = copied.Bytes,
                Files = copied.Files,
                SetupMs = (long)setupTook.TotalMilliseconds,
                LockFiles = lockFiles,
            };
            WriteEntry(staging, entry);
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                return SetupCacheSave.NotStored($"another task stored entry {key.Short} first");
            }
            LogStored(_logger, key.Short, key.RepoKey, entry.Files, entry.Bytes);
            Evict(folder);
            return new SetupCacheSave(entry with { Folder = folder }, null);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                FileTrees.Delete(staging);
            }
        }
    }

    /// <summary>Every entry (of <paramref name="orgId"/> only, when given), most recently used first.</summary>
    public IReadOnlyList<SetupCacheEntry> List(string? orgId = null)
    {
        var entries = new List<SetupCacheEntry>();
        if (!Directory.Exists(Folder))
        {
            return entries;
        }
        foreach (var org in Children(Folder).Where(IsSafeName))
        {
            if (orgId is not null && org != orgId)
            {
                continue;
            }
            foreach (var repo in Children(Path.Join(Folder, org)).Where(IsSafeName))
            {
                foreach (var key in Children(Path.Join(Folder, org, repo)).Where(IsSafeName))
                {
                    var folder = Path.Join(Folder, org, repo, key);
                    if (ReadEntry(folder) is { } entry && entry.OrgId == org && entry.RepoKey == repo && entry.Key == key)
                    {
                        entries.Add(entry);
                    }
                }
            }
        }
        return [.. entries.OrderByDescending(e => e.LastUsedAt)];
    }

    /// <summary>Deletes the entries of <paramref name="orgId"/> and of the repository <paramref name="repo"/> (its location or key), or all with neither.</summary>
    public IReadOnlyList<SetupCacheEntry> Clear(string? orgId = null, string? repo = null)
    {
        var removed = List(orgId).Where(e => repo is null || e.RepoLocation == repo || e.RepoKey == repo || e.RepoLocation.TrimEnd('/') == repo.TrimEnd('/')).ToList();
        foreach (var entry in removed)
        {
            Remove(entry.Folder);
        }
        if (orgId is null && repo is null && Directory.Exists(Path.Join(Folder, Staging)))
        {
            FileTrees.Delete(Path.Join(Folder, Staging));
        }
        return removed;
    }

    /// <summary>Deletes the least recently used entries (never <paramref name="keep"/>) until all fit in <c>MaxBytes</c>.</summary>
    internal void Evict(string? keep = null)
    {
        var entries = List();
        var total = entries.Sum(e => e.Bytes);
        foreach (var entry in entries.OrderBy(e => e.LastUsedAt).ThenBy(e => e.CreatedAt))
        {
            if (total <= Options.MaxBytes)
            {
                break;
            }
            if (entry.Folder == keep)
            {
                continue;
            }
            Remove(entry.Folder);
            total -= entry.Bytes;
            LogEvicted(_logger, entry.Key[..12], entry.RepoKey, entry.Bytes, entry.LastUsedAt);
        }
    }

    private string EntryFolder(SetupCacheKey key)
    {
        if (!IsSafeName(key.OrgId) || !IsSafeName(key.RepoKey) || key.Hash.Length != 64 || !key.Hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"setup cache key {key} cannot name a folder", nameof(key));
        }
        return Path.Join(Folder, key.OrgId, key.RepoKey, key.Hash);
    }

    /// <summary>Moved aside first, so a restore never sees half an entry under its name, then deleted.</summary>
    private void Remove(string folder)
    {
        var trash = Path.Join(Folder, Trash, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Join(Folder, Trash));
            Directory.Move(folder, trash);
        }
        catch (IOException)
        {
            // Gone already (another worker removed it).
            return;
        }
        FileTrees.Delete(trash);
    }

    private static IEnumerable<string> Children(string folder) =>
        Directory.Exists(folder)
            ? new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }).Select(i => i.Name).Order(StringComparer.Ordinal).ToList()
            : [];

    private static SetupCacheEntry? ReadEntry(string folder)
    {
        var path = Path.Join(folder, EntryFile);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Length > MaxEntryFileBytes)
            {
                return null;
            }
            var entry = JsonSerializer.Deserialize<SetupCacheEntry>(File.ReadAllBytes(path), NightshiftJson.Options);
            return entry is null ? null : entry with { Folder = folder };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static void WriteEntry(string folder, SetupCacheEntry entry)
    {
        var temporary = Path.Join(folder, $".{EntryFile}.{Guid.NewGuid():N}");
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, NightshiftJson.Indented));
        File.Move(temporary, Path.Join(folder, EntryFile), overwrite: true);
    }

    private void TryWriteEntry(string folder, SetupCacheEntry entry)
    {
        try
        {
            WriteEntry(folder, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Evicted meanwhile: the restore already happened, and the next store brings it back.
            LogUseNotRecorded(_logger, entry.Key[..12], e.Message);
        }
    }

    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Setup cache: restored entry {Key} of repository {Repo} ({Files} files, {Bytes} bytes) in {Ms} ms")]
    private static partial void LogRestored(ILogger logger, string key, string repo, int files, long bytes, long ms);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Setup cache: stored entry {Key} of repository {Repo} ({Files} files, {Bytes} bytes)")]
    private static partial void LogStored(ILogger logger, string key, string repo, int files, long bytes);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Setup cache: evicted entry {Key} of repository {Repo} ({Bytes} bytes, last used {LastUsed})")]
    private static partial void LogEvicted(ILogger logger, string key, string repo, long bytes, DateTimeOffset lastUsed);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Setup cache: entry {Key} of repository {Repo} is damaged and was removed: {Reason}")]
    private static partial void LogDamaged(ILogger logger, string key, string repo, string reason);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Setup cache: the use of entry {Key} was not recorded: {Reason}")]
    private static partial void LogUseNotRecorded(ILogger logger, string key, string reason);
}
