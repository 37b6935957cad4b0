using Nightshift.Storage.Tests.Postgres;
using Nightshift.TestKit.Postgres;
using Npgsql;

namespace Nightshift.Storage.Tests.Pipelines;

/// <summary>The pipeline store's behaviour on PostgreSQL, each test on its own fresh database of the shared throwaway cluster.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
public sealed class PostgresPipelineStoreTests(PostgresCluster cluster) : PipelineStoreTests
{
    protected override Task<string> CreateDatabaseAsync() => cluster.CreateDatabaseAsync();

    protected override async Task<object?> RawScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
