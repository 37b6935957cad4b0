namespace Nightshift.Core.Forges;

/// <summary>Where pull requests are opened: the local forge (a record in the data folder) or GitHub.</summary>
public interface IForge
{
    /// <summary>"local", "github", …</summary>
    string Name { get; }

    /// <summary>Opens a pull request for the task's pushed branch, or updates the task's existing one.</summary>
    Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default);

    /// <returns>the task's pull request, or null when none was opened.</returns>
    Task<PullRequest?> FindAsync(string taskId, CancellationToken cancellationToken = default);
}
