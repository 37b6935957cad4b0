using Microsoft.Data.Sqlite;
using Nightshift.Core.Configuration;
using Nightshift.Storage.Tests.Compliance;

namespace Nightshift.Storage.Tests.Sqlite;

/// <summary>The compliance suite on the embedded default: a SQLite file in the data folder (NIGHTSHIFT_DB unset).</summary>
public sealed class SqliteStoreTests : StoreComplianceTests
{
    protected override string ExpectedDialect => "sqlite";

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
