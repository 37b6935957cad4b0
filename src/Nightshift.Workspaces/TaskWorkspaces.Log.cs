using Microsoft.Extensions.Logging;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "workspace for task {TaskId} ready: {Repository} on {Branch} from {BaseCommit} in {ElapsedMs:0} ms")]
    private static partial void LogPrepared(ILogger logger, string taskId, string repository, string branch, string baseCommit, double elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "workspace for task {TaskId} resumed at {Path}")]
    private static partial void LogResumed(ILogger logger, string taskId, string path);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "mirror of {Repository} created at {Mirror}")]
    private static partial void LogMirrorCreated(ILogger logger, string repository, string mirror);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "task {TaskId} committed {Commit} on {Branch} ({Count} paths)")]
    private static partial void LogCommitted(ILogger logger, string taskId, string commit, string branch, int count);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "task {TaskId} has nothing to commit")]
    private static partial void LogNothingToCommit(ILogger logger, string taskId);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "task {TaskId} pushed {Branch} to {Repository}")]
    private static partial void LogPushed(ILogger logger, string taskId, string branch, string repository);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "worktree of task {TaskId} kept at {Path} until {KeepUntil}")]
    private static partial void LogKept(ILogger logger, string taskId, string path, DateTimeOffset keepUntil);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "worktree of task {TaskId} removed ({Path})")]
    private static partial void LogRemoved(ILogger logger, string taskId, string path);

    [LoggerMessage(EventId = 5800, Level = LogLevel.Information, Message = "task {TaskId}: branch {Branch} moved to {RemoteHead} while it worked; merged under its change as {Commit}")]
    private static partial void LogMovedMerged(ILogger logger, string taskId, string branch, string remoteHead, string commit);

    [LoggerMessage(EventId = 5801, Level = LogLevel.Warning, Message = "task {TaskId}: branch {Branch} moved to {RemoteHead} while it worked and conflicts with its change; not pushed")]
    private static partial void LogMovedConflict(ILogger logger, string taskId, string branch, string remoteHead);

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "run branch {Branch} does not exist yet; it starts from the head of {BaseBranch}")]
    private static partial void LogBranchCreatedFromBase(ILogger logger, string branch, string baseBranch);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "task {TaskId}: run branch {Branch} moved again before its push (try {Attempt}); merging and pushing again")]
    private static partial void LogSharedBranchMovedAgain(ILogger logger, string taskId, string branch, int attempt);
}
