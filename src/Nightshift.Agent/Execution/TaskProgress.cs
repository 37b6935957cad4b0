using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution.Phases;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A task's unpublished commits kept on its remote (see <see cref="ITaskWorkspaces.SaveProgressAsync"/>), so a task
/// resumed on another worker restores its finished subtasks and committed change instead of building them again.
/// Saved with the login the publish phase pushes with.
/// </summary>
internal static partial class TaskProgress
{
    /// <summary>git's login for the task's repository; null on the local forge.</summary>
    public static async Task<PushCredentials?> CredentialsAsync(IForgeResolver forges, TaskRecord task, CancellationToken cancellationToken) =>
        PublishPhase.Credentials(await forges.Resolve(task.Repo, task.OrgId).PushLoginAsync(cancellationToken));

    /// <summary>
    /// Saves the task branch's head on the remote. A failure only loses the chance to resume elsewhere, so it is logged
    /// and the task goes on; a lost lease still stops the attempt.
    /// </summary>
    public static async Task SaveAsync(ITaskWorkspaces workspaces, IForgeResolver forges, TaskAttempt attempt, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await CredentialsAsync(forges, attempt.Task, cancellationToken);
            await workspaces.SaveProgressAsync(attempt.Workspace, credentials, cancellationToken);
        }
        catch (Exception e) when (e is WorkspaceException or ForgeException)
        {
            LogNotSaved(logger, attempt.Task.Id, e.Message);
        }
    }

    /// <summary>Deletes the saved progress once the branch is pushed; best effort.</summary>
    public static async Task DropAsync(ITaskWorkspaces workspaces, PushCredentials? credentials, TaskAttempt attempt, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await workspaces.DropProgressAsync(attempt.Workspace, credentials, cancellationToken);
        }
        catch (WorkspaceException e)
        {
            LogNotDropped(logger, attempt.Task.Id, e.Message);
        }
    }

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "Task {TaskId}: its progress could not be kept on the remote (a worker that resumes it would build it again): {Reason}")]
    private static partial void LogNotSaved(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Information, Message = "Task {TaskId}: its saved progress could not be deleted from the remote (it is only a hidden ref): {Reason}")]
    private static partial void LogNotDropped(ILogger logger, string taskId, string reason);
}
