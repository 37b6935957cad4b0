using System.Diagnostics;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.TestKit.Server;

/// <summary>
/// Moves the task to planning, then opens a FIFO nobody writes to, as a host-side read of a hostile worktree would: the
/// thread blocks inside open(2), which no cancellation token reaches. <see cref="Dispose"/> opens each FIFO for writing,
/// so the blocked threads end with the test.
/// </summary>
public sealed class FifoHangExecutor : ITaskExecutor, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ns-fifo-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<string> _fifos = [];
    private int _entered;
    private int _blocked;

    public FifoHangExecutor()
    {
        Directory.CreateDirectory(_folder);
    }

    /// <summary>Attempts that reached the FIFO.</summary>
    public int Entered => Volatile.Read(ref _entered);

    /// <summary>Threads inside the blocking open right now.</summary>
    public int Blocked => Volatile.Read(ref _blocked);

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        await run.SetPhaseAsync(TaskPhase.Planning, CancellationToken.None);
        var fifo = Path.Combine(_folder, $"trap-{Interlocked.Increment(ref _entered)}.py");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync(CancellationToken.None);
        }
        lock (_fifos)
        {
            _fifos.Add(fifo);
        }
        await run.EmitAsync("test.waiting", NightshiftJson.Payload(new { attempt = run.Attempt }), CancellationToken.None);
        Interlocked.Increment(ref _blocked);
        try
        {
            // Synchronous and uncancellable on purpose: this is the stuck host-side call.
            File.ReadAllBytes(fifo);
        }
        finally
        {
            Interlocked.Decrement(ref _blocked);
        }
        return TaskOutcome.Succeeded();
    }

    public void Dispose()
    {
        string[] fifos;
        lock (_fifos)
        {
            fifos = [.. _fifos];
        }
        foreach (var fifo in fifos)
        {
            // Opening for writing wakes a blocked reader; without one it would block too, so it is bounded.
            var open = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose());
            _ = open.Wait(TimeSpan.FromSeconds(2));
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
