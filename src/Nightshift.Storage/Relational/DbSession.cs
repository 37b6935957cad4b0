using System.Data.Common;

namespace Nightshift.Storage.Relational;

/// <summary>A connection and, for writes, its transaction; the few ways the store talks SQL.</summary>
/// <param name="commands">
/// commands kept by SQL text, so a long-lived connection that is used by one caller at a time (SQLite's writer)
/// prepares each statement once instead of on every call; null to create and dispose a command per call.
/// </param>
internal sealed class DbSession(DbConnection connection, DbTransaction? transaction, Dictionary<string, DbCommand>? commands = null)
{
    private const int MaxKeptCommands = 256;

    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    public async Task<int> ExecuteAsync(string sql, IReadOnlyList<(string Name, object? Value)> args, CancellationToken cancellationToken = default)
    {
        var command = Create(sql, args);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReturnAsync(command).ConfigureAwait(false);
        }
    }

    public async Task<object?> ScalarAsync(string sql, IReadOnlyList<(string Name, object? Value)> args, CancellationToken cancellationToken = default)
    {
        var command = Create(sql, args);
        try
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is DBNull ? null : value;
        }
        finally
        {
            await ReturnAsync(command).ConfigureAwait(false);
        }
    }

    public async Task<List<T>> QueryAsync<T>(
        string sql,
        IReadOnlyList<(string Name, object? Value)> args,
        Func<DbDataReader, T> map,
        CancellationToken cancellationToken = default)
    {
        var command = Create(sql, args);
        try
        {
            return await ReadAllAsync(command, map, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReturnAsync(command).ConfigureAwait(false);
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }
        // Later statements of a batch (an event INSERT after an UPDATE … RETURNING) run as their results are reached.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }
        return rows;
    }

    public async Task<T?> QuerySingleAsync<T>(
        string sql,
        IReadOnlyList<(string Name, object? Value)> args,
        Func<DbDataReader, T> map,
        CancellationToken cancellationToken = default)
        where T : class
    {
        var rows = await QueryAsync(sql, args, map, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private DbCommand Create(string sql, IReadOnlyList<(string Name, object? Value)> args)
    {
        DbCommand command;
        if (commands is not null && commands.Remove(sql, out var kept))
        {
            command = kept;
            command.Parameters.Clear();
        }
        else
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
        }
        command.Transaction = Transaction;
        foreach (var (name, value) in args)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private ValueTask ReturnAsync(DbCommand command)
    {
        // Taken out while in use and put back after: a command is never shared by two calls at once.
        if (commands is not null && commands.Count < MaxKeptCommands && commands.TryAdd(command.CommandText, command))
        {
            return ValueTask.CompletedTask;
        }
        return command.DisposeAsync();
    }
}
