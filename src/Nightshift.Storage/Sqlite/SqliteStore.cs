using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Storage.Relational;

namespace Nightshift.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection, one at a time, committed in
/// groups (BEGIN IMMEDIATE, so a second process waits on SQLite's lock instead of failing mid-transaction);
/// reads use pooled connections and never wait for writers.
/// </summary>
internal sealed class SqliteStore : RelationalStore
{
    private const int BusyTimeoutMs = 10_000;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private WriteGroup? _group;

    // Used only while holding the write gate, like the writer connection itself.
    private readonly Dictionary<string, System.Data.Common.DbCommand> _writerCommands = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Group commit. Writers take turns on the one connection; each runs inside a savepoint of a shared
    /// transaction. After its turn a writer queues once more for the connection: writers that arrived meanwhile run
    /// their turns first, then the first writer back commits them all with one sync. A lone writer commits at once.
    /// Every writer returns only after the commit that holds its changes, so nothing is reported before it is durable.
    /// </summary>
    protected override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        WriteGroup group;
        try
        {
            if (_group is null)
            {
                // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
                _group = new WriteGroup(_writer.BeginTransaction(deferred: false));
            }
            group = _group;
            await ExecuteAsync(group.Transaction, "SAVEPOINT member").ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FailOpenGroup(ex);
            _writeGate.Release();
            throw;
        }
        return new WriteScope(
            new DbSession(_writer, group.Transaction, _writerCommands),
            () => EndTurnAsync(group, keep: true),
            () => EndTurnAsync(group, keep: false));
    }

    private async Task EndTurnAsync(WriteGroup group, bool keep)
    {
        try
        {
            if (!keep)
            {
                await ExecuteAsync(group.Transaction, "ROLLBACK TO member").ConfigureAwait(false);
            }
            await ExecuteAsync(group.Transaction, "RELEASE member").ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            // The whole transaction is gone (a failed statement can roll it back): every writer of the group hears of it.
            FailOpenGroup(ex);
            _writeGate.Release();
            if (keep)
            {
                throw;
            }
            return;
        }
        _writeGate.Release();

        // Queue again: whoever arrived meanwhile joins this transaction first; then it is committed, once.
        await _writeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_group, group))
            {
                CommitOpenGroup();
            }
        }
        finally
        {
            _writeGate.Release();
        }
        if (keep)
        {
            await group.Done.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Commits the open group, if any, and tells its writers how it went; the transaction is disposed either way.
    /// Called with the gate held.
    /// </summary>
    private void CommitOpenGroup()
    {
        if (_group is not { } group)
        {
            return;
        }
        _group = null;
        try
        {
            group.Transaction.Commit();
            group.Done.TrySetResult();
        }
        catch (SqliteException ex)
        {
            group.Done.TrySetException(ex);
        }
        finally
        {
            group.Transaction.Dispose();
        }
    }

    /// <summary>Called with the gate held.</summary>
    private void FailOpenGroup(Exception ex)
    {
        if (_group is not { } group)
        {
            return;
        }
        _group = null;
        try
        {
            group.Transaction.Dispose();
        }
        catch (SqliteException)
        {
            // Already rolled back by SQLite.
        }
        group.Done.TrySetException(new InvalidOperationException($"the write was undone because another write in the same transaction failed: {ex.Message}", ex));
    }

    private async Task ExecuteAsync(SqliteTransaction transaction, string sql) =>
        await new DbSession(_writer, transaction, _writerCommands).ExecuteAsync(sql, [], CancellationToken.None).ConfigureAwait(false);

    protected override async ValueTask DisposeCoreAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Writers whose turn is over may be waiting for this commit; it must happen before the connection closes.
            CommitOpenGroup();
            foreach (var command in _writerCommands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
            _writerCommands.Clear();
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
