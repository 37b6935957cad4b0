namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Jails set up ahead of need, one per shape (worktree, cache, network policy, tmpfs size): after a command, a jail of
/// the same shape is set up for the next one, since an agent runs its commands one after another in one worktree.
/// A jail is handed out only while its worktree and cache paths still name the folders it mounted. At most
/// <c>capacity</c> wait at once (the oldest goes first); one unused for <see cref="IdleLifetime"/>, or whose worktree
/// is gone, is ended.
/// </summary>
internal sealed class ReadyJailPool : IDisposable
{
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Func<IReadOnlyList<string>, Task<ReadyJail?>> _start;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ITimer _sweeper;
    private bool _disposed;

    public ReadyJailPool(Func<IReadOnlyList<string>, Task<ReadyJail?>> start, int capacity, TimeProvider time)
    {
        _start = start;
        _capacity = capacity;
        _time = time;
        _sweeper = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    /// <summary>How many jails are waiting or being set up.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Completes once every jail now being set up is ready (or has failed): for tests and the benchmark.</summary>
    public Task SettledAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_entries.Values.Select(e => e.Jail));
        }
    }

    /// <summary>
    /// Takes the jail set up for <paramref name="shape"/> (waiting for it when it is still being set up), or null when
    /// there is none, it failed, it died, or its folders are no longer the ones it mounted.
    /// </summary>
    public async Task<ReadyJail?> TakeAsync(IReadOnlyList<string> shape, string worktree, string? cache)
    {
        Entry? entry;
        lock (_gate)
        {
            if (_disposed || !_entries.Remove(Key(shape), out entry))
            {
                return null;
            }
        }
        var jail = await entry.Jail.ConfigureAwait(false);
        if (jail is null)
        {
            return null;
        }
        if (!jail.IsAlive || entry.Worktree != FileIdentity.Of(worktree) || (cache is not null && entry.Cache != FileIdentity.Of(cache)))
        {
            End(jail);
            return null;
        }
        return jail;
    }

    /// <summary>Starts setting up a jail of <paramref name="shape"/> for the next command, unless one is there already.</summary>
    public void Replenish(IReadOnlyList<string> shape, string worktree, string? cache)
    {
        var worktreeIdentity = FileIdentity.Of(worktree);
        var cacheIdentity = cache is null ? null : FileIdentity.Of(cache);
        if (worktreeIdentity is null || (cache is not null && cacheIdentity is null))
        {
            return;
        }
        var key = Key(shape);
        Entry? evicted = null;
        lock (_gate)
        {
            if (_disposed || _entries.ContainsKey(key))
            {
                return;
            }
            if (_entries.Count >= _capacity)
            {
                var oldest = _entries.MinBy(e => e.Value.Since);
                _entries.Remove(oldest.Key);
                evicted = oldest.Value;
            }
            // Set up on the thread pool: none of it (cgroup folders, a launcher's go) runs on the finishing command's path.
            _entries[key] = new Entry(Task.Run(() => StartQuietlyAsync(shape)), worktree, worktreeIdentity, cache, cacheIdentity, _time.GetUtcNow());
        }
        if (evicted is not null)
        {
            EndLater(evicted);
        }
    }

    public void Dispose()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }
        _sweeper.Dispose();
        foreach (var entry in entries)
        {
            // Ended here, not later: a disposed sandbox leaves no jail or group behind.
            var jail = entry.Jail.GetAwaiter().GetResult();
            jail?.Dispose();
        }
    }

    /// <summary>Ends jails unused for <see cref="IdleLifetime"/>, dead, or whose folders are gone (also run by a timer).</summary>
    public void Sweep()
    {
        var stale = new List<Entry>();
        lock (_gate)
        {
            foreach (var (key, entry) in _entries.ToList())
            {
                var gone = entry.Worktree != FileIdentity.Of(entry.WorktreePath)
                    || (entry.CachePath is not null && entry.Cache != FileIdentity.Of(entry.CachePath));
                if (gone || _time.GetUtcNow() - entry.Since > IdleLifetime || (entry.Jail.IsCompleted && entry.Jail.Result is not { IsAlive: true }))
                {
                    _entries.Remove(key);
                    stale.Add(entry);
                }
            }
        }
        foreach (var entry in stale)
        {
            EndLater(entry);
        }
    }

    private static void EndLater(Entry entry) =>
        _ = entry.Jail.ContinueWith(t => End(t.Result), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private static void End(ReadyJail? jail) => jail?.Dispose();

    private async Task<ReadyJail?> StartQuietlyAsync(IReadOnlyList<string> shape)
    {
        try
        {
            return await _start(shape).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A jail set up ahead of need is an optimisation: the command takes the ordinary path, which reports failures.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static string Key(IReadOnlyList<string> shape) => string.Join('\0', shape);

    private sealed record Entry(Task<ReadyJail?> Jail, string WorktreePath, FileIdentity? Worktree, string? CachePath, FileIdentity? Cache, DateTimeOffset Since);
}
