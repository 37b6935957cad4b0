using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.TestKit.Server;

/// <summary>Emits <c>test.waiting</c> and then ignores cancellation for good: what a hung executor looks like to the worker.</summary>
public sealed class StubbornExecutor : ITaskExecutor
{
    private readonly TaskCompletionSource<TaskOutcome> _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        await run.EmitAsync("test.waiting", NightshiftJson.Payload(new { attempt = run.Attempt }), CancellationToken.None);
        return await _never.Task;
    }
}
