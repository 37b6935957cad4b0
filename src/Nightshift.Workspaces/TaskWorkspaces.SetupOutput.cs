using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    /// <summary>
    /// Lists what setup left with plumbing on a private index loaded from the task's head: <c>update-index --refresh</c>
    /// and <c>diff-files</c> for tracked changes, <c>ls-files --others</c> without exclusions for everything untracked
    /// (ignored files are what setup usually makes). No hook, filter or fsmonitor runs: the configuration is our mirror's.
    /// </summary>
    public async Task<SetupOutput?> SetupOutputAsync(Workspace workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = RequireRecord(workspace);
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        Directory.CreateDirectory(Git.Home.Scratch);
        var index = Path.Combine(Git.Home.Scratch, $"{record.TaskId}-{Guid.NewGuid():N}.setup.index");
        try
        {
            await Git.RunCheckedAsync(new GitInvocation(["read-tree", "--end-of-options", record.HeadCommit ?? record.BaseCommit]) { GitDir = mirror, IndexFile = index }, "loading the head tree", cancellationToken);
            GitInvocation InWorktree(params string[] arguments) => new(arguments) { GitDir = mirror, WorkTree = record.Path, IndexFile = index, WorkingDirectory = record.Path };
            // Exit code 1 only says some entries need updating; diff-files below names them.
            await Git.RunAsync(InWorktree("update-index", "-q", "--refresh", "--ignore-submodules"), cancellationToken);
            var changed = await Git.RunCheckedAsync(InWorktree("diff-files", "--name-only", "-z", "--ignore-submodules"), $"listing the tracked files setup changed in {record.Path}", cancellationToken);
            var untracked = await Git.RunCheckedAsync(InWorktree("ls-files", "-z", "--others"), $"listing the files setup made in {record.Path}", cancellationToken);
            return new SetupOutput(
                untracked.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries),
                changed.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }
}
