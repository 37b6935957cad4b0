using Nightshift.Agent.Tools;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Execution;

/// <summary>The diff of a subtask's own worktree against the commit it started from, by host-side git.</summary>
internal sealed class SubtaskDiffSource(ISubtaskWorkspaces workspaces, SubtaskWorkspace subtask) : IDiffSource
{
    public Task<string> GetDiffAsync(CancellationToken cancellationToken = default) => workspaces.DiffSubtaskAsync(subtask, cancellationToken);
}
