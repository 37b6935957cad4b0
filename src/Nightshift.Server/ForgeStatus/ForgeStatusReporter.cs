using System.Globalization;
using Microsoft.Extensions.Options;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Server.Hosting;
using Nightshift.Storage;

namespace Nightshift.Server.ForgeStatus;

/// <summary>
/// Tells the issue or pull request a task came from what becomes of it: a comment and a reaction when it starts and
/// when it ends, its questions, and a reply to each review comment a follow-up answered. Walks the event log of each
/// task with an origin from a durable cursor, claimed with a short lease so that one server of a fleet reports a task.
/// </summary>
/// <remarks>
/// Each notice is recorded as sending before it is posted and as posted (or failed) after. A failure the forge
/// answered is retried with backoff, the cursor held at that event; the task itself never waits. A notice left
/// "sending" by a crash is looked for on the forge (its hidden key line) before it is posted again, so a comment or a
/// reply is posted once; a reaction is simply put again (forges keep one reaction per user and kind).
/// </remarks>
internal sealed partial class ForgeStatusReporter(
    INightshiftStore store,
    IForgeResolver forges,
    IOptions<ForgeStatusOptions> options,
    TimeProvider time,
    ILogger<ForgeStatusReporter> logger,
    ServerInfoPublisher? serverInfo = null) : BackgroundService
{
    /// <summary>Tasks looked at per pass.</summary>
    public const int BatchSize = 50;

    /// <summary>Events read per task per pass.</summary>
    public const int EventsPerPass = 500;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(10);

    /// <summary>Who holds a cursor's lease: this process.</summary>
    public string Owner { get; } = $"{Environment.MachineName[..Math.Min(100, Environment.MachineName.Length)]}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ReportOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: every task with something new to tell, each told what it can be now.</summary>
    /// <returns>the tasks whose cursor this pass claimed.</returns>
    public async Task<int> ReportOnceAsync(CancellationToken cancellationToken = default)
    {
        var claimed = 0;
        foreach (var taskId in await store.FindTasksWithUnreportedEventsAsync(BatchSize, cancellationToken))
        {
            var cursor = await store.ClaimNoticeCursorAsync(taskId, Owner, Lease, cancellationToken);
            if (cursor is null)
            {
                continue;
            }
            claimed++;
            await ReportTaskAsync(cursor, cancellationToken);
        }
        return claimed;
    }

    private async Task ReportTaskAsync(NoticeCursor cursor, CancellationToken cancellationToken)
    {
        var done = cursor.LastSequence;
        DateTimeOffset? retryAt = null;
        try
        {
            var task = await store.FindAsync(cursor.TaskId, cancellationToken);
            var events = await store.ReadEventsAsync(cursor.TaskId, cursor.LastSequence, EventsPerPass, cancellationToken);
            var (conversation, repository) = task?.Origin is null ? (null, null) : Conversation(task);
            if (task?.Origin is null || conversation is null || repository is null)
            {
                // Nowhere to tell (no origin, or a forge without comments): the events are passed over.
                done = events.Count == 0 ? done : events[^1].Sequence;
                return;
            }
            var startOpen = await StartOpenAsync(task.Id, cursor.LastSequence, cancellationToken);
            var taskUrl = TaskUrl(task.Id);
            foreach (var e in events)
            {
                var history = NoticePlanner.NeedsHistory(task, e) ? await HistoryAsync(task.Id, e.Sequence, cancellationToken) : [];
                var planned = NoticePlanner.Plan(task, e, taskUrl, startOpen, history);
                foreach (var notice in planned)
                {
                    if (!await DeliverAsync(task, conversation, repository, notice, cancellationToken))
                    {
                        retryAt = time.GetUtcNow() + Backoff(cursor.Failures);
                        LogRetrying(logger, task.Id, notice.Key, retryAt.Value);
                        return;
                    }
                }
                startOpen = e.Type == EventTypes.TaskStarted || (startOpen && !IsFinal(e.Type));
                done = e.Sequence;
            }
        }
        finally
        {
            // The cursor goes back even when the pass was cancelled: a lease left behind would hold the task for its length.
            await store.ReleaseNoticeCursorAsync(cursor.TaskId, Owner, done, retryAt, CancellationToken.None);
        }
    }

    /// <returns>true when the notice was posted now or before (or given up); false when it should be tried again later.</returns>
    private async Task<bool> DeliverAsync(TaskRecord task, IForgeConversation conversation, ForgeRepository repository, PlannedNotice notice, CancellationToken cancellationToken)
    {
        var before = await store.BeginNoticeAsync(task.Id, notice.Key, cancellationToken);
        if (before?.State is NoticeState.Posted or NoticeState.Abandoned)
        {
            return true;
        }
        var origin = task.Origin!;
        var thread = new ForgeThread(origin.Kind == TaskOriginKind.PullRequest ? ForgeThreadKind.PullRequest : ForgeThreadKind.Issue, origin.Number);
        try
        {
            if (before?.State is NoticeState.Sending && notice.Kind != NoticeKind.Reaction
                && await FindPostedAsync(conversation, repository, thread, task.Id, notice, before.UpdatedAt, cancellationToken) is { } found)
            {
                // Posted before a crash cut the record short: found by its key line, not posted again.
                await store.FinishNoticeAsync(task.Id, notice.Key, NoticeState.Posted, Reference(found), CancellationToken.None);
                LogFoundAfterCrash(logger, task.Id, notice.Key);
                return true;
            }
            string? reference = null;
            switch (notice.Kind)
            {
                case NoticeKind.Comment:
                    reference = Reference((await conversation.CommentAsync(repository, thread, notice.Body, cancellationToken)).Id);
                    break;
                case NoticeKind.ReviewReply:
                    reference = Reference((await conversation.ReplyToReviewCommentAsync(repository, origin.Number, notice.ReviewComment!, notice.Body, cancellationToken)).Id);
                    break;
                case NoticeKind.Reaction:
                    await conversation.ReactAsync(repository, thread, origin.CommentId, notice.Reaction, cancellationToken);
                    break;
            }
            await store.FinishNoticeAsync(task.Id, notice.Key, NoticeState.Posted, reference, CancellationToken.None);
            LogPosted(logger, task.Id, notice.Key, thread.ToString());
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failed = await store.FinishNoticeAsync(task.Id, notice.Key, NoticeState.Failed, null, CancellationToken.None);
            if (failed.Attempts >= options.Value.MaxAttempts)
            {
                await store.FinishNoticeAsync(task.Id, notice.Key, NoticeState.Abandoned, null, CancellationToken.None);
                LogAbandoned(logger, task.Id, notice.Key, failed.Attempts, ex.Message);
                return true;
            }
            LogFailed(logger, task.Id, notice.Key, failed.Attempts, ex.Message);
            return false;
        }
    }

    private static async Task<string?> FindPostedAsync(IForgeConversation conversation, ForgeRepository repository, ForgeThread thread, string taskId, PlannedNotice notice, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var key = NoticeText.KeyMarker(taskId, notice.Key);
        var comments = notice.Kind == NoticeKind.ReviewReply
            ? await conversation.ListReviewCommentsAsync(repository, thread.Number, null, 100, cancellationToken)
            : await conversation.ListCommentsAsync(repository, thread, since - TimeSpan.FromMinutes(5), 100, cancellationToken);
        // Only a comment whose body holds the key line with the marker before it: text people write is escaped in ours.
        return comments.FirstOrDefault(c => c.Body.Contains(NoticeText.Marker + "\n" + key, StringComparison.Ordinal))?.Id;
    }

    private (IForgeConversation? Conversation, ForgeRepository? Repository) Conversation(TaskRecord task)
    {
        try
        {
            var target = forges.Resolve(task.Repo, task.OrgId);
            return (target.Conversation, target.Repository);
        }
        catch (ForgeException ex)
        {
            LogNoForge(logger, task.Id, ex.Message);
            return (null, null);
        }
    }

    /// <returns>whether the events up to <paramref name="walked"/> told a start and no end after it.</returns>
    private async Task<bool> StartOpenAsync(string taskId, long walked, CancellationToken cancellationToken)
    {
        long lastStart = 0, lastEnd = 0;
        foreach (var notice in await store.ListNoticesAsync(taskId, cancellationToken))
        {
            var colon = notice.Key.IndexOf(':', StringComparison.Ordinal);
            // Notices of events past the cursor are being walked again now: the walk itself keeps track of those.
            if (colon < 0 || !long.TryParse(notice.Key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq > walked)
            {
                continue;
            }
            switch (notice.Key[..colon])
            {
                case "started":
                    lastStart = Math.Max(lastStart, seq);
                    break;
                case "ended":
                    lastEnd = Math.Max(lastEnd, seq);
                    break;
            }
        }
        return lastStart > lastEnd;
    }

    private async Task<IReadOnlyList<TaskEvent>> HistoryAsync(string taskId, long upTo, CancellationToken cancellationToken)
    {
        // Only for a follow-up's review replies, once per end: the commits it made are earlier in its log.
        var events = await store.ReadEventsAsync(taskId, 0, (int)Math.Min(upTo, 100_000), cancellationToken);
        return [.. events.Where(e => e.Type is EventTypes.CommitCreated or EventTypes.BranchPushed)];
    }

    private string? TaskUrl(string taskId)
    {
        var root = string.IsNullOrEmpty(options.Value.PublicUrl) ? serverInfo?.Url : options.Value.PublicUrl;
        return root is null ? null : $"{root.TrimEnd('/')}/tasks/{taskId}";
    }

    private static bool IsFinal(string type) =>
        type is EventTypes.TaskSucceeded or EventTypes.TaskFailed or EventTypes.TaskCancelled or EventTypes.TaskTimedOut or EventTypes.TaskNeedsReview or EventTypes.TaskDead;

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks * (1L << Math.Min(failures, 20))));

    private static string? Reference(string? id) =>
        id is { Length: > 0 and <= TaskNotice.MaxReferenceLength } && !id.Any(char.IsControl) ? id : null;

    [LoggerMessage(EventId = 3360, Level = LogLevel.Information, Message = "Told {Thread} about task {TaskId} ({Notice})")]
    private static partial void LogPosted(ILogger logger, string taskId, string notice, string thread);

    [LoggerMessage(EventId = 3361, Level = LogLevel.Warning, Message = "Could not tell the forge about task {TaskId} ({Notice}, attempt {Attempts}): {Reason}; it is tried again later")]
    private static partial void LogFailed(ILogger logger, string taskId, string notice, int attempts, string reason);

    [LoggerMessage(EventId = 3362, Level = LogLevel.Warning, Message = "Gave up telling the forge about task {TaskId} ({Notice}) after {Attempts} attempts: {Reason}; check the forge's token and Webhooks:Status:MaxAttempts")]
    private static partial void LogAbandoned(ILogger logger, string taskId, string notice, int attempts, string reason);

    [LoggerMessage(EventId = 3363, Level = LogLevel.Information, Message = "Notices of task {TaskId} wait until {RetryAt} after {Notice} failed")]
    private static partial void LogRetrying(ILogger logger, string taskId, string notice, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 3364, Level = LogLevel.Information, Message = "Notice {Notice} of task {TaskId} was posted before a restart; not posted again")]
    private static partial void LogFoundAfterCrash(ILogger logger, string taskId, string notice);

    [LoggerMessage(EventId = 3365, Level = LogLevel.Warning, Message = "Task {TaskId} came from a forge this server cannot reach: {Reason}; its notices are skipped")]
    private static partial void LogNoForge(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 3366, Level = LogLevel.Error, Message = "A pass telling forges about their tasks failed; the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
