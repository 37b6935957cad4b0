using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;

namespace Nightshift.Storage.Relational;

/// <summary>
/// The store's logic, written once over ADO.NET; a dialect supplies connections, its write transaction
/// (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL), row-lock clauses and cross-process notification.
/// </summary>
internal abstract partial class RelationalStore(StoreOptions options, TimeProvider time, ILogger logger) : INightshiftStore, IFinishAndClaim
{
    private readonly WorkSignal _work = new();
    private long _lastReclaimMs = long.MinValue;

    public abstract string Dialect { get; }

    /// <summary>Where the data lives, for messages; never carries a password.</summary>
    public abstract string Location { get; }

    protected StoreOptions Options { get; } = options;

    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    private int _disposed;

    internal EventSignals EventSignals { get; } = new();

    internal WorkSignal WorkSignal => _work;

    /// <summary>The folder under migrations/ holding this dialect's scripts.</summary>
    protected abstract string MigrationFolder { get; }

    /// <summary>Appended to a SELECT of one task row that is about to change.</summary>
    protected abstract string LockRowClause { get; }

    /// <summary>Appended to the claim's SELECT so concurrent claimers pass over each other's rows.</summary>
    protected abstract string SkipLockedClause { get; }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    protected abstract Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A write whose changes are made by ONE command (a single statement, or several sent as one batch, which
    /// PostgreSQL runs as one implicit transaction): a dialect may commit it with that command and save the round
    /// trips of BEGIN and COMMIT. Reads after it (to explain a refusal) see the database as it is.
    /// </summary>
    /// <param name="durability">
    /// what a crash of the database may do to this write once it is committed, which tells the dialect whether it must
    /// wait for the write to be durable before answering (see <see cref="CommitDurability"/>).
    /// </param>
    protected virtual Task<WriteScope> BeginSingleStatementWriteAsync(CommitDurability durability, CancellationToken cancellationToken) => BeginWriteAsync(cancellationToken);

    /// <summary>Serialises claims that count running tasks (caps), which row locks alone cannot make exact.</summary>
    protected virtual Task LockForCapsAsync(WriteScope scope, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task LockForMigrationAsync(WriteScope scope, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Tells other processes what a commit made visible (new work, new events).</summary>
    protected virtual void AfterCommit(WriteScope scope)
    {
    }

    protected abstract ValueTask DisposeCoreAsync();

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var migrations = Migration.Load(MigrationFolder);
        var known = migrations[^1].Version;
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(scope, cancellationToken).ConfigureAwait(false);
        var session = scope.Session;
        await session.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            [],
            cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(
            await session.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > known)
        {
            throw new StoreConfigurationException(
                $"the {Dialect} database {Location} has schema version {current}, but this Nightshift only knows schema versions up to {known}: " +
                "a newer Nightshift wrote it. Upgrade Nightshift, or point NIGHTSHIFT_DB at another database.");
        }
        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            await session.ExecuteAsync(migration.Sql, [], cancellationToken).ConfigureAwait(false);
            await session.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                [("version", (long)migration.Version), ("name", migration.Name), ("at", NowMs())],
                cancellationToken).ConfigureAwait(false);
            LogMigrated(Logger, Dialect, migration.Name);
        }
        await scope.CommitAsync().ConfigureAwait(false);
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await new DbSession(connection, null).ScalarAsync("SELECT 1", [], cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new StoreConfigurationException(
                $"cannot reach the {Dialect} database {Location}: {ex.Message}; check that it is running and that NIGHTSHIFT_DB points at it",
                ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes what each of the store's interface registrations returned: the same store, more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The clock's time cut to the millisecond the database keeps, so what is returned equals what is read back.</summary>
    protected DateTimeOffset Now() => TaskColumns.Time(NowMs());

    private long NowMs() => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task CommitAsync(WriteScope scope)
    {
        // Once the commit is sent its outcome cannot be cancelled; waiting for it keeps the caller's view true.
        await scope.CommitAsync().ConfigureAwait(false);
        AfterCommit(scope);
        if (scope.WorkAvailable)
        {
            _work.Pulse();
        }
        foreach (var taskId in scope.TasksWithNewEvents)
        {
            EventSignals.Pulse(taskId);
        }
    }

    private Task<TaskRow?> LockAsync(WriteScope scope, string id, CancellationToken cancellationToken) =>
        scope.Session.QuerySingleAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE id = @id{LockRowClause}",
            [("id", id)],
            TaskColumns.Read,
            cancellationToken);

    /// <summary>
    /// Changes one task and appends its events in the caller's transaction. The sequence counter moves in the
    /// same UPDATE, under the row's lock, so concurrent appenders get consecutive numbers.
    /// </summary>
    private async Task<TaskRow> UpdateAsync(
        WriteScope scope,
        string id,
        DateTimeOffset now,
        IReadOnlyList<(string Column, object? Value)> changes,
        IReadOnlyList<(string Type, string Data)> events,
        bool withCheckpoint,
        CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("UPDATE tasks SET ");
        var args = new List<(string Name, object? Value)> { ("id", id), ("now", TaskColumns.Ms(now)), ("events", (long)events.Count) };
        SetClause.Append(sql, args, changes, "c");
        sql.Append("updated_at = @now, last_seq = last_seq + @events WHERE id = @id RETURNING ")
            .Append(withCheckpoint ? TaskColumns.WithCheckpoint : TaskColumns.List)
            .Append(';');
        if (events.Count > 0)
        {
            // Same batch, one round trip: the events take the numbers the UPDATE just reserved under the row lock.
            AppendEventInsert(sql, args, events);
            scope.SignalEvents(id);
        }
        var row = await scope.Session.QuerySingleAsync<TaskRow>(
            sql.ToString(),
            args,
            withCheckpoint ? TaskColumns.ReadWithCheckpoint : TaskColumns.Read,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"task {id} vanished while locked");
        // A pipeline step's task that ended wakes its run in the same transaction: the coordinator need not poll.
        await WakeRunOfFinishedTaskAsync(scope, row, now, cancellationToken).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Adds an INSERT of <paramref name="events"/> numbered up to the row's current <c>last_seq</c>; expects
    /// parameters <c>@id</c> and <c>@now</c> and a preceding statement that advanced <c>last_seq</c> by their count.
    /// A fenced caller passes its fence as <paramref name="where"/>, so nothing is inserted when the fence refused the UPDATE.
    /// </summary>
    private static void AppendEventInsert(
        StringBuilder sql,
        List<(string Name, object? Value)> args,
        IReadOnlyList<(string Type, string Data)> events,
        string where = "id = @id")
    {
        sql.Append(" INSERT INTO events (task_id, seq, time, type, data) ");
        for (var i = 0; i < events.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " UNION ALL ")}SELECT id, last_seq - {events.Count - 1 - i}, @now, @y{i}, @d{i} FROM tasks WHERE {where}");
            args.Add(($"y{i}", events[i].Type));
            args.Add(($"d{i}", events[i].Data));
        }
        sql.Append(';');
    }

    private static string NewLeaseToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static IReadOnlyList<(string Column, object? Value)> ReleaseLease() =>
    [
        ("lease_token", null), ("lease_owner", null), ("lease_expires_at", null), ("lease_ms", null),
    ];
}
