using System.Diagnostics;
using System.Globalization;
using Nightshift.Core.Execution;

namespace Nightshift.Bench.Server;

/// <summary>Waits for the gate, then emits events carrying the Stopwatch timestamp of their sending, at a steady pace.</summary>
internal sealed class BenchExecutor(int events, TimeSpan interval) : ITaskExecutor
{
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        using var pace = new PeriodicTimer(interval);
        for (var i = 0; i < events; i++)
        {
            await pace.WaitForNextTickAsync(cancellationToken);
            var sentAt = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);
            await run.EmitAsync("bench.tick", $$"""{"i":{{i}},"sentAt":{{sentAt}}}""", cancellationToken);
        }
        return TaskOutcome.Succeeded();
    }
}
