namespace Nightshift.Agent.Tools;

/// <summary>The change made so far in the worktree, as a unified diff against the task's base commit.</summary>
public interface IDiffSource
{
    Task<string> GetDiffAsync(CancellationToken cancellationToken = default);
}
