using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Storage.Relational;

namespace Nightshift.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection, one at a time
/// (BEGIN IMMEDIATE, so a second process waits on SQLite's lock instead of failing mid-transaction);
/// reads use pooled connections and never wait for writers.
/// </summary>
internal sealed class SqliteStore : RelationalStore
{
    private const int BusyTimeoutMs = 10_000;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteStore(string path, string connectionString, SqliteConnection writer, StoreOptions options, TimeProvider time, ILogger logger)
        : base(options, time, logger)
    {
        Path = path;
        _connectionString = connectionString;
        _writer = writer;
    }

    public string Path { get; }

    public override string Dialect => "sqlite";

    public override string Location => Path;

    protected override string MigrationFolder => "Sqlite";

    protected override string LockRowClause => "";

    protected override string SkipLockedClause => "";

    public static async Task<SqliteStore> OpenAsync(string path, StoreOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var full = System.IO.Path.GetFullPath(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await PrepareAsync(writer, options, cancellationToken).ConfigureAwait(false);
            await new DbSession(writer, null).ExecuteAsync("PRAGMA journal_mode=WAL", [], cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw new StoreConfigurationException(
                $"cannot open the SQLite database {full}: {ex.Message}; check that the folder is writable and the file is a Nightshift database, or set NIGHTSHIFT_DB to another path",
                ex);
        }
        return new SqliteStore(full, connectionString, writer, options, time, logger);
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await new DbSession(connection, null).ExecuteAsync($"PRAGMA busy_timeout={BusyTimeoutMs}", [], cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
            var transaction = _writer.BeginTransaction(deferred: false);
            return new WriteScope(new DbSession(_writer, transaction), () =>
            {
                _writeGate.Release();
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static async Task PrepareAsync(SqliteConnection connection, StoreOptions options, CancellationToken cancellationToken)
    {
        var session = new DbSession(connection, null);
        await session.ExecuteAsync($"PRAGMA busy_timeout={BusyTimeoutMs}", [], cancellationToken).ConfigureAwait(false);
        await session.ExecuteAsync($"PRAGMA synchronous={(options.SqliteFullSync ? "FULL" : "NORMAL")}", [], cancellationToken).ConfigureAwait(false);
        await session.ExecuteAsync("PRAGMA foreign_keys=ON", [], cancellationToken).ConfigureAwait(false);
    }
}
