using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

/// <summary>
/// Claims and final finishes in one statement, where the dialect can chain an UPDATE's result into the next write
/// (PostgreSQL's data-modifying WITH): one round trip and one commit instead of a lock, a change and a commit each.
/// The general path stays the authority: a chained finish that does not apply writes nothing and hands over to it.
/// </summary>
internal abstract partial class RelationalStore
{
    private const string AttemptPrefix = "{\"attempt\":0,";

    /// <summary>True when <see cref="RunChainAsync"/> is implemented.</summary>
    protected virtual bool CanChainStatements => false;

    /// <summary>Runs the finish and/or the claim as one statement on <paramref name="session"/>.</summary>
    protected virtual Task<ChainedRows> RunChainAsync(
        DbSession session, ChainedFinish? finish, ChainedClaim? claim, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"the {Dialect} store cannot chain writes");

    public async Task<FinishAndClaimResult> FinishAndClaimAsync(Lease lease, TaskOutcome outcome, ClaimRequest next, CancellationToken cancellationToken = default)
    {
        ValidateOutcome(lease, outcome);
        next = ValidateClaim(next);
        await ReclaimIfDueAsync(cancellationToken).ConfigureAwait(false);
        if (CanChain(outcome) && CanChain(next))
        {
            var (finished, claimed) = await ChainAsync(lease, outcome, next, cancellationToken).ConfigureAwait(false);
            if (finished is not null)
            {
                return new FinishAndClaimResult(finished.Record, claimed);
            }
        }

        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var now = Now();
        var record = await FinishInScopeAsync(scope, lease, outcome, now, cancellationToken).ConfigureAwait(false);
        var claimedLease = await ClaimInScopeAsync(scope, next, now, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return new FinishAndClaimResult(record, claimedLease);
    }

    private bool CanChain(ClaimRequest request) =>
        CanChainStatements && !Options.GeneralPathOnly && request.MaxRunning is null && request.MaxRunningPerRepo is null;

    /// <summary>Final outcomes only: they never depend on the row (attempts left, a cancel request) the way a retry does.</summary>
    private bool CanChain(TaskOutcome outcome) =>
        CanChainStatements && !Options.GeneralPathOnly
        && outcome.Kind is OutcomeKind.Succeeded or OutcomeKind.NeedsReview or OutcomeKind.Failed or OutcomeKind.Cancelled or OutcomeKind.TimedOut;

    /// <returns>
    /// the finished row (null when a finish was asked for and did not apply: nothing was written) and the new lease.
    /// </returns>
    private async Task<(TaskRow? Finished, Lease? Claimed)> ChainAsync(Lease? lease, TaskOutcome? outcome, ClaimRequest? request, CancellationToken cancellationToken)
    {
        var now = Now();
        ChainedFinish? finish = null;
        if (lease is not null && outcome is not null)
        {
            var changes = new List<(string Column, object? Value)>(ReleaseLease());
            var (target, eventType, payload) = FinalChanges(outcome, lease.Attempt, now, changes);
            Payloads.EnsureObject("event", payload, Options.MaxEventPayloadBytes);
            changes.Add(("status", target.ToWire()));
            finish = new ChainedFinish(lease.TaskId ?? "", lease.Token ?? "", lease.Attempt, changes, eventType, payload);
        }
        ChainedClaim? claim = null;
        var token = NewLeaseToken();
        if (request is not null)
        {
            var started = Payloads.Write(null, new TaskStartedPayload(0, request.WorkerId));
            if (!started.StartsWith(AttemptPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the task.started payload has an unexpected shape: {started}");
            }
            claim = new ChainedClaim(ClaimChanges(request, token, now, new SqlRaw("attempts + 1")), started[AttemptPrefix.Length..]);
        }

        cancellationToken.ThrowIfCancellationRequested();
        // A claim alone is caught by fencing if a crash loses it; a final finish (alone or before a claim) makes the
        // task run again if lost, which only the operator may accept.
        var durability = finish is null ? CommitDurability.FencedIfLost : CommitDurability.RerunIfLost;
        await using var scope = await BeginSingleStatementWriteAsync(durability, cancellationToken).ConfigureAwait(false);
        // Once sent, the statement commits by itself: a cancellation could only hide a claim that happened.
        var rows = await RunChainAsync(scope.Session, finish, claim, now, CancellationToken.None).ConfigureAwait(false);
        if (finish is not null && rows.Finished is null)
        {
            return (null, null);
        }
        if (rows.Finished is { } finished)
        {
            scope.SignalEvents(finished.Id);
            scope.SignalWork();
        }
        if (rows.Claimed is { } claimed)
        {
            scope.SignalEvents(claimed.Id);
        }
        await CommitAsync(scope).ConfigureAwait(false);
        if (rows.Finished?.Record.RunStep is { } step)
        {
            // The one statement cannot reach the run; the wake follows at once (a lost wake is caught by the run's recheck).
            await WakeRunAsync(step.RunId, CancellationToken.None).ConfigureAwait(false);
        }
        return (rows.Finished, rows.Claimed is { } row ? ToLease(row, token, request!.WorkerId) : null);
    }
}
