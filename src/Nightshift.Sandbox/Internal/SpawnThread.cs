using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Starts every jail from one thread that lives as long as the worker. bubblewrap's --die-with-parent uses
/// PR_SET_PDEATHSIG, which fires when the *thread* that forked it ends, not the process: started from a thread-pool
/// thread, a jail is SIGKILLed whenever the pool retires that thread.
/// </summary>
internal static class SpawnThread
{
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> Requests = [];

    static SpawnThread()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "nightshift-sandbox-spawner" };
        thread.Start();
    }

    public static Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((process, started));
        return started.Task;
    }

    private static void Loop()
    {
        foreach (var (process, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                Descriptors.SealInherited();
                process.Start();
                started.SetResult();
            }
#pragma warning disable CA1031 // The caller gets every failure through its task; the spawner itself must keep running.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                started.SetException(ex);
            }
        }
    }
}
