using System.Collections.Concurrent;

namespace Nightshift.Workspaces.Internal;

/// <summary>
/// One lock per mirror: a semaphore for callers in this process and an exclusive file lock (flock) for other
/// processes sharing the data folder. Process-wide, so two managers on one folder also exclude each other.
/// </summary>
internal static class RepositoryLocks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static async Task<IAsyncDisposable> AcquireAsync(string lockFile, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var gate = Gates.GetOrAdd(lockFile, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var pause = TimeSpan.FromMilliseconds(10);
            while (true)
            {
                try
                {
                    var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Lease(gate, stream);
                }
                catch (IOException) when (File.Exists(lockFile))
                {
                    // Another process holds it; poll, as flock offers no awaitable wait.
                    await Task.Delay(pause, time, cancellationToken);
                    pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class Lease(SemaphoreSlim gate, FileStream stream) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await stream.DisposeAsync();
                gate.Release();
            }
        }
    }
}
