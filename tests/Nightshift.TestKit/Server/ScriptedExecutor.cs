using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.TestKit.Server;

/// <summary>
/// Emits <see cref="EventCount"/> <c>tool.call</c> events (payload <c>{"n":i,"sentAt":unix-ms-ticks}</c>) after the gate opens, then succeeds.
/// The gate is open from the start unless <paramref name="gated"/> is true.
/// </summary>
public sealed class ScriptedExecutor(int eventCount = 3, bool gated = false, TimeProvider? timeProvider = null) : ITaskExecutor
{
    private readonly TaskCompletionSource _gate = NewGate(gated);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private int _started;

    public int EventCount { get; } = eventCount;

    /// <summary>How many attempts this executor has begun.</summary>
    public int Started => Volatile.Read(ref _started);

    public void Open() => _gate.TrySetResult();

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        await _gate.Task.WaitAsync(cancellationToken);
        await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
        for (var i = 1; i <= EventCount; i++)
        {
            await run.EmitAsync("tool.call", NightshiftJson.Payload(new { n = i, sentAt = _time.GetTimestamp() }), cancellationToken);
        }
        return TaskOutcome.Succeeded(branch: $"nightshift/{run.Task.ShortId}");
    }

    private static TaskCompletionSource NewGate(bool gated)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!gated)
        {
            gate.SetResult();
        }
        return gate;
    }
}
