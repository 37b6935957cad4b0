namespace Nightshift.Storage;

/// <summary>
/// Who holds tasks, by id and across organisations: the workers' own housekeeping (which of the worktrees a worker's
/// data folder keeps are still its own), never an answer to a caller.
/// </summary>
public interface ITaskHolders
{
    /// <summary>Most ids asked about in one call.</summary>
    public const int MaxIds = 500;

    /// <summary>The holders of the tasks among <paramref name="taskIds"/> that exist; ids that are unknown or malformed are left out.</summary>
    /// <exception cref="ArgumentException">more than <see cref="MaxIds"/> ids.</exception>
    Task<IReadOnlyList<TaskHolder>> FindHoldersAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default);
}
