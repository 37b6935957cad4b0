using System.Data.Common;
using Microsoft.Extensions.Logging;
using Nightshift.Storage.Relational;
using Npgsql;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// The scale-out store. Claims skip rows other workers hold (FOR UPDATE SKIP LOCKED); each write locks its task row;
/// committed writes are announced to other processes by NOTIFY (<see cref="PostgresNotifier"/>), whose single
/// LISTEN connection (<see cref="PostgresListener"/>) wakes their waiting workers and followers.
/// </summary>
internal sealed class PostgresStore : RelationalStore
{
    public const string WorkChannel = "nightshift_work";
    public const string EventsChannel = "nightshift_events";

    // Arbitrary fixed keys for pg_advisory_xact_lock: one for schema changes, one for capped claims, one for outbound claims.
    private const long MigrationLockKey = 0x4E53_0001;
    private const long CapsLockKey = 0x4E53_0002;
    private const long OutboundClaimLockKey = 0x4E53_0003;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly NpgsqlDataSource _unflushedSource;
    private readonly PostgresListener _listener;
    private readonly PostgresNotifier _notifier;

    public PostgresStore(NpgsqlConnectionStringBuilder builder, StoreOptions options, TimeProvider time, ILogger logger)
        : base(options, time, logger)
    {
        Location = PostgresConnectionString.Describe(builder);
        // Auto-preparing the few statement shapes the store uses saves the server parsing and planning them per call.
        var tuned = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (tuned.MaxAutoPrepare == 0)
        {
            tuned.MaxAutoPrepare = 64;
            tuned.AutoPrepareMinUsages = 2;
        }
        // The store never changes session state on its pooled connections (its locks are transaction-scoped, LISTEN
        // has its own connection), so the reset Npgsql would otherwise run at every checkout is pure cost.
        if (!options.GeneralPathOnly)
        {
            tuned.NoResetOnClose = true;
        }
        _dataSource = NpgsqlDataSource.Create(tuned.ConnectionString);
        // Commits that need not wait for the WAL flush (see CommitDurability) get their own pool: the setting belongs
        // to the session, and durable writes must never pick such a connection up.
        var unflushed = new NpgsqlConnectionStringBuilder(tuned.ConnectionString);
        unflushed.Options = string.IsNullOrWhiteSpace(unflushed.Options) ? "-c synchronous_commit=off" : unflushed.Options + " -c synchronous_commit=off";
        _unflushedSource = NpgsqlDataSource.Create(unflushed.ConnectionString);
        _listenSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString);
        _notifier = new PostgresNotifier(builder, time, logger);
        _listener = new PostgresListener(_listenSource, this, time, logger);
    }

    public override string Dialect => "postgresql";

    public override string Location { get; }

    protected override string MigrationFolder => "Postgres";

    protected override string LockRowClause => " FOR UPDATE";

    protected override string SkipLockedClause => " FOR UPDATE SKIP LOCKED";

    protected override bool CanChainStatements => true;

    /// <summary>Starts listening for other processes' notifications; returns once LISTEN is in place.</summary>
    public Task StartListeningAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction transaction;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new WriteScope(
            new DbSession(connection, transaction),
            async () =>
            {
                try
                {
                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    await transaction.DisposeAsync().ConfigureAwait(false);
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            },
            async () =>
            {
                // Disposing an uncommitted transaction rolls it back; a broken connection has rolled back already.
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            });
    }

    /// <summary>No explicit transaction: the command's statements run as one implicit transaction, committed at its end.</summary>
    protected override async Task<WriteScope> BeginSingleStatementWriteAsync(CommitDurability durability, CancellationToken cancellationToken)
    {
        if (Options.GeneralPathOnly)
        {
            return await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        }
        var source = WaitsForFlush(durability) ? _dataSource : _unflushedSource;
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new WriteScope(
            new DbSession(connection, null),
            async () => await connection.DisposeAsync().ConfigureAwait(false),
            async () => await connection.DisposeAsync().ConfigureAwait(false));
    }

    /// <summary>
    /// Whether a commit of this kind waits for PostgreSQL to flush its WAL (synchronous_commit). A lone claim never
    /// does: losing it is caught by fencing. Heartbeats and final finishes do unless the operator opted out.
    /// </summary>
    internal bool WaitsForFlush(CommitDurability durability) => durability switch
    {
        CommitDurability.FencedIfLost => false,
        CommitDurability.RerunIfLost => !Options.PostgresFastWorkerCommits,
        _ => true,
    };

    protected override async Task<ChainedRows> RunChainAsync(
        DbSession session, ChainedFinish? finish, ChainedClaim? claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (sql, args) = PostgresChainedWrite.Build(finish, claim, TaskColumns.Ms(now));
        var rows = await session.QueryAsync(
            sql,
            args,
            r => (Part: r.GetInt32(PostgresChainedWrite.PartOrdinal), Row: TaskColumns.ReadWithCheckpoint(r)),
            cancellationToken).ConfigureAwait(false);
        return new ChainedRows(
            rows.FirstOrDefault(r => r.Part == PostgresChainedWrite.FinishedPart).Row,
            rows.FirstOrDefault(r => r.Part == PostgresChainedWrite.ClaimedPart).Row);
    }

    protected override Task LockForCapsAsync(WriteScope scope, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", [("key", CapsLockKey)], cancellationToken);

    /// <summary>
    /// Outbound claims count each endpoint's live leases against its MaxInFlight, which two concurrent transactions
    /// could both pass; one at a time across the fleet keeps the count exact (a claim is one short statement).
    /// </summary>
    protected override Task LockForOutboundClaimAsync(WriteScope scope, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", [("key", OutboundClaimLockKey)], cancellationToken);

    protected override Task LockForMigrationAsync(WriteScope scope, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", [("key", MigrationLockKey)], cancellationToken);

    protected override void AfterCommit(WriteScope scope)
    {
        if (scope.WorkAvailable)
        {
            _notifier.Work();
        }
        foreach (var taskId in scope.TasksWithNewEvents)
        {
            _notifier.Events(taskId);
        }
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _notifier.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await _listenSource.DisposeAsync().ConfigureAwait(false);
        await _unflushedSource.DisposeAsync().ConfigureAwait(false);
    }
}
