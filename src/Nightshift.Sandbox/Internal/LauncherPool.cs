using System.Collections.Concurrent;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Keeps launchers started ahead of need: every command takes one and starts its replacement, so the cost of a
/// process start and of joining cgroups is paid while the previous command runs or the worker waits, not on the
/// command's path. Idle launchers are a sleeping bash each; at most <see cref="MaxIdle"/> are kept.
/// </summary>
internal sealed class LauncherPool(Func<Task<JailLauncher>> start, bool prewarm) : IDisposable
{
    private const int MaxIdle = 4;
    private readonly ConcurrentQueue<Task<JailLauncher?>> _idle = new();
    private volatile bool _disposed;

    public async Task<JailLauncher> AcquireAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        JailLauncher? launcher = null;
        while (launcher is null && _idle.TryDequeue(out var pending))
        {
            var candidate = await pending.ConfigureAwait(false);
            if (candidate is not null && candidate.Process.HasExited)
            {
                candidate.Dispose();
                candidate = null;
            }
            launcher = candidate;
        }
        if (prewarm && _idle.Count < MaxIdle)
        {
            _idle.Enqueue(StartQuietlyAsync());
            if (_disposed)
            {
                Drain();
            }
        }
        // When none was ready (or the ready one failed), a start now either works or says why it cannot.
        return launcher ?? await start().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryDequeue(out var pending))
        {
            _ = pending.ContinueWith(t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task<JailLauncher?> StartQuietlyAsync()
    {
        try
        {
            return await start().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed warm-up is not the caller's error: the next command starts its own launcher and reports that failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
