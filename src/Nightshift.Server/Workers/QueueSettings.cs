namespace Nightshift.Server.Workers;

/// <summary>Caps on claiming, bound from the <c>Queue</c> configuration section; they hold across every worker on the store.</summary>
public sealed class QueueSettings
{
    public const string SectionName = "Queue";

    /// <summary>At most this many tasks run at once across all workers; unset for no cap.</summary>
    public int? MaxRunningTasks { get; set; }

    /// <summary>At most this many tasks of one repository run at once across all workers; unset for no cap.</summary>
    public int? MaxRunningTasksPerRepository { get; set; }
}
