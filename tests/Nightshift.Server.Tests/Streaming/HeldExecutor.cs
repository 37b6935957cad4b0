using System.Collections.Concurrent;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Streaming;

/// <summary>
/// Holds every task it runs until the test finishes it, handing the test the run so the test appends the events itself,
/// whenever and as many as it wants.
/// </summary>
internal sealed class HeldExecutor : ITaskExecutor
{
    private readonly ConcurrentDictionary<string, Held> _runs = new(StringComparer.Ordinal);

    public async Task<ITaskRun> StartedAsync(string taskId) =>
        await Get(taskId).Started.Task.WaitAsync(TestDefaults.Timeout);

    public void Finish(string taskId) => Get(taskId).Finish.TrySetResult();

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var held = Get(run.Task.Id);
        held.Started.TrySetResult(run);
        await held.Finish.Task.WaitAsync(cancellationToken);
        return TaskOutcome.Succeeded(branch: $"nightshift/{run.Task.ShortId}");
    }

    private Held Get(string taskId) => _runs.GetOrAdd(taskId, static _ => new Held());

    private sealed class Held
    {
        public TaskCompletionSource<ITaskRun> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
