using System.ComponentModel;
using System.Diagnostics;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Starts processes with piped output, drains both pipes, and kills a process at the timeout or on cancellation.
/// Knows nothing about jails; the caller decides what the process is.
/// </summary>
internal static class ProcessRunner
{
    // After a kill, how long the pipes may take to close before the run gives up on the rest of the output.
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="startInfo"/> from the long-lived spawn thread with all three streams piped.</summary>
    public static async Task<Process> StartAsync(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = new Process { StartInfo = startInfo };
        try
        {
            await SpawnThread.StartAsync(process).ConfigureAwait(false);
            return process;
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new SandboxUnavailableException(
                $"could not start '{startInfo.FileName}': {ex.Message}; install it or fix its path (Sandbox:BwrapPath), then run `nightshift doctor`", ex);
        }
    }

    /// <summary>
    /// Collects the output of a started process whose stdin the caller has already closed, until it exits, the
    /// command's timeout passes or <paramref name="cancellationToken"/> fires. <paramref name="killTree"/>: whether a
    /// kill must walk the host's process table for descendants (no pid namespace holds them together).
    /// </summary>
    public static async Task<ProcessOutcome> RunAsync(
        Process process,
        PreparedCommand command,
        SandboxOptions options,
        TimeProvider time,
        Action<Exception> onCallbackError,
        bool killTree,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        TimeSpan Elapsed() => time.GetElapsedTime(started);
        var stdout = new CappedOutput(command.MaxOutputChars);
        var stderr = new CappedOutput(command.MaxOutputChars);

        var pumps = Task.WhenAll(
            Task.Run(() => new StreamPump(OutputStream.Stdout, stdout, command.OnOutput, options.MaxLineChars, Elapsed, onCallbackError).RunAsync(process.StandardOutput), CancellationToken.None),
            Task.Run(() => new StreamPump(OutputStream.Stderr, stderr, command.OnOutput, options.MaxLineChars, Elapsed, onCallbackError).RunAsync(process.StandardError), CancellationToken.None));

        using var timeout = new CancellationTokenSource(command.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            Kill(process, killTree);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Pipes close once every process holding them is gone; the pid namespace guarantees that for a jail.
        await Task.WhenAny(pumps, Task.Delay(DrainPatience, time, CancellationToken.None)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new ProcessOutcome(process.ExitCode, stdout.ToString(), stderr.ToString(), stdout.Truncated || stderr.Truncated, Elapsed(), timedOut)
        {
            StdoutBytes = stdout.Bytes,
            StderrBytes = stderr.Bytes,
        };
    }

    // For a jail, killing bubblewrap is enough and much faster than walking the host's process table: its child, the
    // pid namespace's init, dies with it (--die-with-parent), and the kernel then kills everything in the namespace.
    private static void Kill(Process process, bool entireTree)
    {
        try
        {
            process.Kill(entireTree);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
        catch (Win32Exception)
        {
        }
    }
}
