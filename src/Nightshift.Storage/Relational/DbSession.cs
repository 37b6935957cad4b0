using System.Data.Common;

namespace Nightshift.Storage.Relational;

/// <summary>A connection and, for writes, its transaction; the few ways the store talks SQL.</summary>
internal sealed class DbSession(DbConnection connection, DbTransaction? transaction)
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    public async Task<int> ExecuteAsync(string sql, IReadOnlyList<(string Name, object? Value)> args, CancellationToken cancellationToken = default)
    {
        await using var command = Create(sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, IReadOnlyList<(string Name, object? Value)> args, CancellationToken cancellationToken = default)
    {
        await using var command = Create(sql, args);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(
        string sql,
        IReadOnlyList<(string Name, object? Value)> args,
        Func<DbDataReader, T> map,
        CancellationToken cancellationToken = default)
    {
        await using var command = Create(sql, args);
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
        var command = Connection.CreateCommand();
        command.CommandText = sql;
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
}
