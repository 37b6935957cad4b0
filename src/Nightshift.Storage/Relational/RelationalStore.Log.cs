using Microsoft.Extensions.Logging;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Applied {Dialect} schema migration {Migration}")]
    private static partial void LogMigrated(ILogger logger, string dialect, string migration);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Reclaimed task {TaskId} from worker {Worker} after its lease expired; it is now {Status}")]
    private static partial void LogReclaimed(ILogger logger, string taskId, string? worker, string status);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Task {TaskId} timed out after its plan waited {Waited} for approval")]
    private static partial void LogApprovalTimedOut(ILogger logger, string taskId, string waited);

    [LoggerMessage(EventId = 3390, Level = LogLevel.Information, Message = "Task {TaskId}'s question was not answered in time; it resumes with the default answer")]
    private static partial void LogQuestionTimedOut(ILogger logger, string taskId);
}
