using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

/// <summary>
/// Builds the workspace services over one data folder and owns what they share: the folder layout, the git runner,
/// and the pool of spare and parked worktrees whose background jobs end when this is disposed. The agent depends on
/// <see cref="Tasks"/> and <see cref="Subtasks"/> through their interfaces; the collector works on the same folders.
/// </summary>
public sealed class WorkspaceServices : IAsyncDisposable, IDisposable
{
    private readonly TaskWorkspaces _tasks;

    public WorkspaceServices(RepositoryPolicy policy, IOptions<WorkspaceOptions> options, TimeProvider timeProvider, ILogger<WorkspaceServices> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Context = new WorkspaceContext(policy, options.Value, timeProvider, logger);
        Pool = new WorktreePool(Context);
        var subtasks = new SubtaskWorkspaces(Context);
        Subtasks = subtasks;
        _tasks = new TaskWorkspaces(Context, Pool, subtasks);
    }

    /// <summary>Task worktrees: prepare, commit, diff, push, rename, release.</summary>
    public ITaskWorkspaces Tasks => _tasks;

    /// <summary>Subtask worktrees and the merges of their commits into the task branch.</summary>
    public ISubtaskWorkspaces Subtasks { get; }

    internal WorkspaceContext Context { get; }

    internal WorktreePool Pool { get; }

    internal TaskWorkspaces TaskWorktrees => _tasks;

    /// <summary>Cancels the spare jobs and waits for them, so no git process outlives the services.</summary>
    public ValueTask DisposeAsync() => Pool.DisposeAsync();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => Pool.Dispose();
}
