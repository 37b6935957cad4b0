using Nightshift.Core.Execution;

namespace Nightshift.Storage;

/// <summary>
/// A worker that ends an attempt usually wants its next task at once: both moves in one transaction (one round trip
/// on PostgreSQL for final outcomes without caps), with every guarantee of <see cref="ITaskQueue.FinishAsync"/> and
/// <see cref="ITaskQueue.TryClaimAsync"/> kept. Every store <see cref="StoreFactory"/> opens implements it.
/// </summary>
public interface IFinishAndClaim
{
    /// <summary>
    /// Ends the attempt of <paramref name="lease"/> as <paramref name="outcome"/> says, then claims the most urgent
    /// runnable task for <paramref name="next"/>, atomically: if the finish is refused nothing is claimed, and if
    /// anything fails nothing is written. The next task may be the one just finished when the outcome queued it again.
    /// </summary>
    /// <exception cref="Core.Errors.LeaseLostException">the lease was lost; nothing changed and nothing was claimed.</exception>
    Task<FinishAndClaimResult> FinishAndClaimAsync(Lease lease, TaskOutcome outcome, ClaimRequest next, CancellationToken cancellationToken = default);
}
