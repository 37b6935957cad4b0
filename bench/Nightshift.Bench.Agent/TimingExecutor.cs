using System.Collections.Concurrent;
using Nightshift.Core.Execution;

namespace Nightshift.Bench.Agent;

/// <summary>The real agent executor, with every attempt's run wrapped so its events are timed from the executor's start.</summary>
internal sealed class TimingExecutor(ITaskExecutor inner) : ITaskExecutor
{
    public ConcurrentQueue<RunMarks> Runs { get; } = new();

    public Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var marks = new RunMarks(run.Task.Id);
        Runs.Enqueue(marks);
        return inner.ExecuteAsync(new TimingRun(run, marks), cancellationToken);
    }
}
