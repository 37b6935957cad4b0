using Nightshift.Core.Events;

namespace Nightshift.Storage;

/// <summary>Tuning of the store and its queue. The defaults suit both the embedded and the scaled-out set-up.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section the hosts bind these from.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// Data folder, used by <see cref="StorageServiceCollectionExtensions.AddNightshiftStorage"/> only;
    /// null resolves it as the CLI does (NIGHTSHIFT_DATA, else ~/.local/share/nightshift).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// The NIGHTSHIFT_DB value, used by <see cref="StorageServiceCollectionExtensions.AddNightshiftStorage"/> only;
    /// null reads the NIGHTSHIFT_DB variable.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>How long a claim lasts without a heartbeat when the worker does not say (its ClaimRequest.LeaseDuration is zero).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before the second attempt; each later one waits twice as long.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>0 for none; 0.2 spreads each retry's wait over ±20 %.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>
    /// How often event followers look for new events when no signal arrives (another process appended and
    /// LISTEN/NOTIFY is not available, as on SQLite). Slow on purpose: signals do the real work.
    /// </summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a claim also looks for expired leases to reclaim.</summary>
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int MaxEventPayloadBytes { get; set; } = TaskEvent.MaxDataBytes;

    public int MaxCheckpointBytes { get; set; } = 1024 * 1024;

    public int MaxPlanBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Most UTF-8 bytes of a task's diff the store keeps with its pull request; a larger diff is cut at a line boundary
    /// and ends with a marker line naming the branch that holds the whole change.
    /// </summary>
    public int MaxDiffBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// SQLite only: FULL syncs the WAL on every commit (no committed task is lost on power failure);
    /// NORMAL syncs at checkpoints (survives a crash of the process, not of the machine).
    /// </summary>
    public bool SqliteFullSync { get; set; } = true;

    /// <summary>
    /// How long a task may wait for its plan to be approved (awaiting_approval) before the store's periodic sweep ends
    /// it as timed_out; <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// PostgreSQL only, off by default. When on, heartbeats and a worker's final finish commit without waiting for
    /// the WAL flush (synchronous_commit=off), as a lone claim always does (its loss is caught by fencing).
    /// After a crash of the database server (not of Nightshift) the last fraction of a second of them can be gone:
    /// the task is running again under a lease nobody renews, and is reclaimed and run again. Submits, appended events,
    /// checkpoints, retries and every person's action stay durable. Readers can see such a commit before it is
    /// durable, so a follower may have seen a final event that the crash then undid.
    /// </summary>
    public bool PostgresFastWorkerCommits { get; set; }

    /// <summary>
    /// Benchmark only: every write takes the general path (lock the row, change it, commit), as before chained
    /// single-statement writes existed, so the gain can be measured against it in the same run.
    /// </summary>
    internal bool GeneralPathOnly { get; set; }

    /// <summary>Throws with every unusable setting named, and what to change.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            problems.Add($"LeaseDuration is {LeaseDuration}; give at least 1 second");
        }
        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            problems.Add($"RetryBaseDelay ({RetryBaseDelay}) must be zero or more and no longer than RetryMaxDelay ({RetryMaxDelay})");
        }
        if (RetryJitter is < 0 or > 1 || double.IsNaN(RetryJitter))
        {
            problems.Add($"RetryJitter is {RetryJitter}; give a number between 0 and 1");
        }
        if (PollingInterval < TimeSpan.FromMilliseconds(10) || ReclaimInterval < TimeSpan.Zero)
        {
            problems.Add("PollingInterval must be at least 10 ms and ReclaimInterval zero or more");
        }
        if (MaxEventPayloadBytes < 1024 || MaxCheckpointBytes < 1024 || MaxPlanBytes < 1024)
        {
            problems.Add("MaxEventPayloadBytes, MaxCheckpointBytes and MaxPlanBytes must each be at least 1024");
        }
        if (MaxDiffBytes is < 1024 or > 256 * 1024 * 1024)
        {
            problems.Add($"MaxDiffBytes is {MaxDiffBytes}; give a number of bytes from 1024 to 268435456 (256 MiB)");
        }
        if (ApprovalTimeout < TimeSpan.Zero && ApprovalTimeout != Timeout.InfiniteTimeSpan)
        {
            problems.Add($"ApprovalTimeout is {ApprovalTimeout}; give a positive time, or 0 to wait for approval for ever");
        }
        if (problems.Count > 0)
        {
            throw new Core.Errors.StoreConfigurationException("store options are unusable: " + string.Join("; ", problems));
        }
    }
}
