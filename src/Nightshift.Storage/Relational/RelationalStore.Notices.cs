using System.Data.Common;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const string NoticeColumns = "task_id, notice_key, state, attempts, reference, updated_at";

    private const int MaxNoticeOwnerLength = 200;

    public async Task<IReadOnlyList<string>> FindTasksWithUnreportedEventsAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 10_000);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            """
            SELECT t.id FROM tasks t LEFT JOIN task_notice_cursors c ON c.task_id = t.id
            WHERE t.origin_key IS NOT NULL AND t.last_seq > COALESCE(c.last_seq, 0)
              AND (c.lease_until IS NULL OR c.lease_until <= @now)
              AND (c.retry_at IS NULL OR c.retry_at <= @now)
            ORDER BY t.updated_at, t.num LIMIT @max
            """,
            [("now", NowMs()), ("max", max)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<NoticeCursor?> ClaimNoticeCursorAsync(string taskId, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        RequireNoticeTask(taskId);
        RequireNoticeField("owner", owner, MaxNoticeOwnerLength);
        if (lease <= TimeSpan.Zero)
        {
            throw new ValidationException("lease", "must be longer than zero");
        }
        var now = NowMs();
        NoticeCursor? claimed;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only a task with an origin gets a cursor: the rest have nowhere to report to.
            await scope.Session.ExecuteAsync(
                """
                INSERT INTO task_notice_cursors (task_id, last_seq, failures)
                SELECT id, 0, 0 FROM tasks WHERE id = @id AND origin_key IS NOT NULL
                ON CONFLICT (task_id) DO NOTHING
                """,
                [("id", taskId)],
                cancellationToken).ConfigureAwait(false);
            // The conditional UPDATE decides between two servers: one row changes for one of them.
            claimed = await scope.Session.QuerySingleAsync(
                """
                UPDATE task_notice_cursors SET lease_owner = @owner, lease_until = @until
                WHERE task_id = @id AND (lease_until IS NULL OR lease_until <= @now)
                  AND (retry_at IS NULL OR retry_at <= @now)
                RETURNING task_id, last_seq, failures
                """,
                [("id", taskId), ("owner", owner), ("until", now + (long)lease.TotalMilliseconds), ("now", now)],
                r => new NoticeCursor(r.GetString(0), r.GetInt64(1), (int)r.GetInt64(2)),
                cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return claimed;
    }

    public async Task<bool> ReleaseNoticeCursorAsync(string taskId, string owner, long sequence, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        RequireNoticeTask(taskId);
        RequireNoticeField("owner", owner, MaxNoticeOwnerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        // Two statements rather than a null test on a parameter, which PostgreSQL cannot type.
        var retry = retryAt is null
            ? "failures = 0, retry_at = NULL"
            : "failures = failures + 1, retry_at = @retry";
        int changed;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            changed = await scope.Session.ExecuteAsync(
                $"""
                UPDATE task_notice_cursors
                SET last_seq = CASE WHEN last_seq > @seq THEN last_seq ELSE @seq END, {retry}, lease_owner = NULL, lease_until = NULL
                WHERE task_id = @id AND lease_owner = @owner
                """,
                [("id", taskId), ("owner", owner), ("seq", sequence), ("retry", retryAt is { } at ? TaskColumns.Ms(at) : 0L)],
                CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return changed > 0;
    }

    public async Task<TaskNotice?> BeginNoticeAsync(string taskId, string key, CancellationToken cancellationToken = default)
    {
        RequireNoticeTask(taskId);
        RequireNoticeField("key", key, TaskNotice.MaxKeyLength);
        TaskNotice? before;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            before = await ReadNoticeAsync(scope.Session, taskId, key, cancellationToken).ConfigureAwait(false);
            if (before is null)
            {
                await scope.Session.ExecuteAsync(
                    $"""
                    INSERT INTO task_notices ({NoticeColumns}) VALUES (@id, @key, 'sending', 0, NULL, @now)
                    ON CONFLICT (task_id, notice_key) DO NOTHING
                    """,
                    [("id", taskId), ("key", key), ("now", NowMs())],
                    cancellationToken).ConfigureAwait(false);
            }
            else if (before.State == NoticeState.Failed)
            {
                await scope.Session.ExecuteAsync(
                    "UPDATE task_notices SET state = 'sending', updated_at = @now WHERE task_id = @id AND notice_key = @key AND state = 'failed'",
                    [("id", taskId), ("key", key), ("now", NowMs())],
                    cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return before;
    }

    public async Task<TaskNotice> FinishNoticeAsync(string taskId, string key, NoticeState state, string? reference, CancellationToken cancellationToken = default)
    {
        RequireNoticeTask(taskId);
        RequireNoticeField("key", key, TaskNotice.MaxKeyLength);
        if (reference is not null)
        {
            RequireNoticeField("reference", reference, TaskNotice.MaxReferenceLength);
        }
        TaskNotice? after;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            // Upserted: a notice finished without a begin (one not worth posting at all) is recorded just the same.
            await scope.Session.ExecuteAsync(
                $"""
                INSERT INTO task_notices ({NoticeColumns}) VALUES (@id, @key, @state, @failed, @reference, @now)
                ON CONFLICT (task_id, notice_key) DO UPDATE SET state = @state, attempts = task_notices.attempts + @failed,
                    reference = COALESCE(@reference, task_notices.reference), updated_at = @now
                """,
                [("id", taskId), ("key", key), ("state", StateName(state)), ("failed", state == NoticeState.Failed ? 1L : 0L), ("reference", reference), ("now", NowMs())],
                CancellationToken.None).ConfigureAwait(false);
            after = await ReadNoticeAsync(scope.Session, taskId, key, CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return after!;
    }

    public async Task<IReadOnlyList<TaskNotice>> ListNoticesAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(taskId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {NoticeColumns} FROM task_notices WHERE task_id = @id ORDER BY notice_key",
            [("id", taskId)],
            ReadNotice,
            cancellationToken).ConfigureAwait(false);
    }

    private static Task<TaskNotice?> ReadNoticeAsync(DbSession session, string taskId, string key, CancellationToken cancellationToken) =>
        session.QuerySingleAsync(
            $"SELECT {NoticeColumns} FROM task_notices WHERE task_id = @id AND notice_key = @key",
            [("id", taskId), ("key", key)],
            ReadNotice,
            cancellationToken);

    private static TaskNotice ReadNotice(DbDataReader r) => new()
    {
        TaskId = r.GetString(0),
        Key = r.GetString(1),
        State = r.GetString(2) switch
        {
            "sending" => NoticeState.Sending,
            "posted" => NoticeState.Posted,
            "failed" => NoticeState.Failed,
            _ => NoticeState.Abandoned,
        },
        Attempts = (int)r.GetInt64(3),
        Reference = r.IsDBNull(4) ? null : r.GetString(4),
        UpdatedAt = TaskColumns.Time(r.GetInt64(5)),
    };

    private static string StateName(NoticeState state) => state switch
    {
        NoticeState.Sending => "sending",
        NoticeState.Posted => "posted",
        NoticeState.Failed => "failed",
        NoticeState.Abandoned => "abandoned",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a notice state"),
    };

    private static void RequireNoticeTask(string taskId)
    {
        if (!TaskId.LooksValid(taskId))
        {
            throw new ValidationException("taskId", "is not a task id");
        }
    }

    private static void RequireNoticeField(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(field, "is missing; a task notice needs it");
        }
        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            throw new ValidationException(field, $"must be at most {maxLength} printable characters");
        }
    }
}
