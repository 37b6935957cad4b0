namespace Nightshift.Storage.Relational;

/// <param name="Finished">the finished task, or null when the finish did not apply (then nothing was written).</param>
/// <param name="Claimed">the claimed task, or null when nothing was claimable.</param>
internal sealed record ChainedRows(TaskRow? Finished, TaskRow? Claimed);
