using Nightshift.Agent.Verification;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The verification commands run once on the untouched base, so later rounds can tell old failures from new ones. It
/// runs in a jail of its own in the background, started by the prepare phase while the plan agent works, and the
/// build phase waits for it: a repository's test time no longer delays the first model request. The result goes into
/// the checkpoint before it is announced, so a resumed attempt does not run it again.
/// </summary>
internal sealed class BaselineRun : IAsyncDisposable
{
    private readonly Task<IReadOnlyList<CommandCheck>> _run;
    private readonly CancellationTokenSource? _stop;

    private BaselineRun(Task<IReadOnlyList<CommandCheck>> run, CancellationTokenSource? stop)
    {
        _run = run;
        _stop = stop;
    }

    /// <summary>The checks once they are known; null while the run goes on (or when it failed or was stopped).</summary>
    public IReadOnlyList<CommandCheck>? Known => _run.IsCompletedSuccessfully ? _run.Result : null;

    /// <summary>Starts the run on another thread; it stops when <paramref name="cancellationToken"/> does or the attempt ends.</summary>
    public static BaselineRun Start(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(() => RunAsync(attempt, stop.Token), CancellationToken.None);
        return new BaselineRun(run, stop);
    }

    /// <summary>A baseline an earlier attempt ran, read back from the checkpoint.</summary>
    public static BaselineRun Restored(IReadOnlyList<CommandCheck> checks) => new(Task.FromResult(checks), null);

    /// <summary>Waits for the run to end; a failure of the run (no sandbox, a lost lease) is thrown here.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _run.WaitAsync(cancellationToken);

    /// <summary>Stops a run still going (the attempt ended before building: waiting for approval, a failed plan) and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is null)
        {
            return;
        }
        await _stop.CancelAsync();
        await ((Task)_run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task<IReadOnlyList<CommandCheck>> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new VerifyStartedPayload(true, null, attempt.Verification)), cancellationToken);
        var baseline = await attempt.Verifier.BaselineAsync(cancellationToken);
        await attempt.UpdateAsync(c => c with { Baseline = BaselineCheckpoint.Of(attempt.Workspace.BaseCommit, baseline) }, cancellationToken);
        await run.EmitAsync(EventTypes.VerifyBaseline, NightshiftJson.Payload(new VerifyBaselinePayload(
            baseline.All(c => c.Passed), [.. baseline.SelectMany(c => c.FailingTests).Take(50)])), cancellationToken);
        return baseline;
    }
}
