namespace Nightshift.Bench.Storage;

/// <summary>How a benchmark worker ends a task and gets the next one.</summary>
internal enum ClaimPath
{
    /// <summary>TryClaimAsync + FinishAsync on a store forced onto the general path (lock, change, commit): the baseline.</summary>
    General,

    /// <summary>TryClaimAsync + FinishAsync as shipped (single-statement chained writes where the dialect has them).</summary>
    ClaimThenFinish,

    /// <summary>FinishAndClaimAsync: the finish and the next claim in one transaction.</summary>
    FinishAndClaim,

    /// <summary>FinishAndClaimAsync with StoreOptions.PostgresFastWorkerCommits (opt-in; PostgreSQL only).</summary>
    FinishAndClaimFastCommits,
}
