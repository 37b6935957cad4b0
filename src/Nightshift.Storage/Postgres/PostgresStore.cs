using System.Data.Common;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Storage.Relational;
using Npgsql;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// The scale-out store. Claims skip rows other workers hold (FOR UPDATE SKIP LOCKED); each write locks its task row;
/// commits NOTIFY other processes, whose single LISTEN connection wakes their waiting workers and followers.
/// </summary>
internal sealed class PostgresStore : RelationalStore
{
    public const string WorkChannel = "nightshift_work";
    public const string EventsChannel = "nightshift_events";

    // Arbitrary fixed keys for pg_advisory_xact_lock: one for schema changes, one for capped claims.
    private const long MigrationLockKey = 0x4E53_0001;
    private const long CapsLockKey = 0x4E53_0002;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresListener _listener;

    public PostgresStore(NpgsqlConnectionStringBuilder builder, StoreOptions options, TimeProvider time, ILogger logger)
        : base(options, time, logger)
    {
        Location = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _listener = new PostgresListener(_dataSource, this, time, logger);
    }

    public override string Dialect => "postgresql";

    public override string Location { get; }

    protected override string MigrationFolder => "Postgres";

    protected override string LockRowClause => " FOR UPDATE";

    protected override string SkipLockedClause => " FOR UPDATE SKIP LOCKED";

    /// <summary>Starts listening for other processes' notifications; returns once LISTEN is in place.</summary>
    public Task StartListeningAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new WriteScope(new DbSession(connection, transaction), connection.DisposeAsync);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override Task LockForCapsAsync(WriteScope scope, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", [("key", CapsLockKey)], cancellationToken);

    protected override Task LockForMigrationAsync(WriteScope scope, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", [("key", MigrationLockKey)], cancellationToken);

    protected override async Task BeforeCommitAsync(WriteScope scope, CancellationToken cancellationToken)
    {
        if (!scope.WorkAvailable && scope.TasksWithNewEvents.Count == 0)
        {
            return;
        }
        // NOTIFY inside the transaction is delivered at commit, and not at all on rollback.
        var sql = new StringBuilder("SELECT ");
        var args = new List<(string Name, object? Value)>();
        if (scope.WorkAvailable)
        {
            sql.Append($"pg_notify('{WorkChannel}', '')");
        }
        var i = 0;
        foreach (var taskId in scope.TasksWithNewEvents)
        {
            sql.Append(scope.WorkAvailable || i > 0 ? ", " : "").Append($"pg_notify('{EventsChannel}', @t{i})");
            args.Add(($"t{i}", taskId));
            i++;
        }
        await scope.Session.ExecuteAsync(sql.ToString(), args, cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
