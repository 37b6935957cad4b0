using Microsoft.Extensions.Logging;

namespace Nightshift.Workspaces;

public sealed partial class WorkspaceManager
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "workspace for task {TaskId} ready: {Repository} on {Branch} from {BaseCommit} in {ElapsedMs:0} ms")]
    private static partial void LogPrepared(ILogger logger, string taskId, string repository, string branch, string baseCommit, double elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "workspace for task {TaskId} resumed at {Path}")]
    private static partial void LogResumed(ILogger logger, string taskId, string path);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "mirror of {Repository} created at {Mirror}")]
    private static partial void LogMirrorCreated(ILogger logger, string repository, string mirror);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "the config of mirror {Mirror} had been changed; it was restored to Nightshift's own")]
    private static partial void LogMirrorConfigRestored(ILogger logger, string mirror);

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

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "reusing a parked worktree at {Path} failed ({Reason}); checking out afresh")]
    private static partial void LogAdoptFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "workspace for task {TaskId} made from a spare worktree checked out at {SpareCommit}, switched to {BaseCommit}")]
    private static partial void LogSpareTaken(ILogger logger, string taskId, string spareCommit, string baseCommit);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "taking a spare worktree for {Path} failed ({Reason}); it was deleted and the worktree is checked out afresh")]
    private static partial void LogSpareTakeFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "making a spare worktree of {Repository} failed; the next task on it checks out afresh")]
    private static partial void LogSpareFailed(ILogger logger, string repository, Exception exception);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Debug, Message = "spare worktree of {Repository} ready at {Path} ({Commit})")]
    private static partial void LogSpareReady(ILogger logger, string repository, string path, string commit);
}
