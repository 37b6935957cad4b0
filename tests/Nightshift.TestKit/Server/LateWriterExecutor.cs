using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.TestKit.Server;

/// <summary>
/// Emits <c>test.waiting</c>, then ignores its stop until the test calls <see cref="Wake"/>; then it tries, as a stale
/// attempt would, to pass the write fence (before moving a branch ref) and to emit an event. <see cref="Attempted"/>
/// completes with what each try threw (null when it went through).
/// </summary>
public sealed class LateWriterExecutor : ITaskExecutor
{
    private readonly TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<(Exception? Fence, Exception? Emit)> Attempted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _wake.TrySetResult();

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        await run.EmitAsync("test.waiting", NightshiftJson.Payload(new { attempt = run.Attempt }), CancellationToken.None);
        await _wake.Task;
        var fence = await CaptureAsync(() => WriteFence.CheckAsync(CancellationToken.None));
        var emit = await CaptureAsync(() => run.EmitAsync("test.late", "{}", CancellationToken.None));
        Attempted.TrySetResult((fence, emit));
        return TaskOutcome.Succeeded();
    }

    private static async Task<Exception?> CaptureAsync(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
#pragma warning disable CA1031 // The test reads whatever the stale write threw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception;
        }
    }
}
