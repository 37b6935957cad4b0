using Microsoft.Data.Sqlite;
using Nightshift.Core.Configuration;

namespace Nightshift.Storage.Tests.Pipelines;

/// <summary>The pipeline store's behaviour on the embedded default: a SQLite file in the data folder.</summary>
public sealed class SqlitePipelineStoreTests : PipelineStoreTests
{
    protected override Task<string> CreateDatabaseAsync() => Task.FromResult("");

    protected override async Task<object?> RawScalarAsync(string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = NightshiftPaths.DefaultDatabase(DataDirectory), Pooling = false };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
