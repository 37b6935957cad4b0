using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.TestKit.Server;

/// <summary>
/// Emits <c>test.waiting</c>, then works until its token is cancelled. On shutdown it checkpoints
/// <c>{"resumeFrom":"step-2","attempt":N}</c> and gives the task back; on a cancel request it ends as cancelled.
/// </summary>
public sealed class UntilCancelledExecutor : ITaskExecutor
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Checkpoints each attempt found when it started (null on a fresh start).</summary>
    public List<string?> CheckpointsSeen { get; } = [];

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        lock (CheckpointsSeen)
        {
            CheckpointsSeen.Add(run.Checkpoint);
        }
        Interlocked.Increment(ref _running);
        try
        {
            await run.EmitAsync("test.waiting", NightshiftJson.Payload(new { attempt = run.Attempt }), CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            switch (run.StopReason)
            {
                case StopReason.Shutdown:
                    await run.CheckpointAsync(NightshiftJson.Payload(new { resumeFrom = "step-2", attempt = run.Attempt }), CancellationToken.None);
                    return TaskOutcome.Release();
                case StopReason.CancelRequested:
                    return TaskOutcome.Cancelled("stopped on request");
                default:
                    throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
