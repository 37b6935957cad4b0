using Nightshift.Agent.Tools;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>The diff of the task's worktree, computed by host-side git with our own clean configuration.</summary>
internal sealed class WorkspaceDiffSource(ITaskWorkspaces workspaces, Workspace workspace) : IDiffSource
{
    public Task<string> GetDiffAsync(CancellationToken cancellationToken = default) => workspaces.DiffAsync(workspace, cancellationToken);
}
