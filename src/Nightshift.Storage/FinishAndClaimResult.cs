using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <param name="Finished">the task whose attempt ended, as it is now.</param>
/// <param name="Next">the lease on the next task, or null when nothing was claimable.</param>
public sealed record FinishAndClaimResult(TaskRecord Finished, Lease? Next);
