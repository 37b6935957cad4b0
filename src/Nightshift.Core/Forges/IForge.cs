namespace Nightshift.Core.Forges;

/// <summary>
/// Where pull requests are opened: the local forge (nothing to call; the record is the pull request) or a hosted forge.
/// The record a forge returns is kept in the store by the executor's publish step, so every server of a fleet can show
/// it; a forge never keeps records of its own.
/// </summary>
public interface IForge
{
    /// <summary>"local", "github", …</summary>
    string Name { get; }

    /// <summary>Opens a pull request for the task's pushed branch, or updates the task's existing one.</summary>
    Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default);
}
