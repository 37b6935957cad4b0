using Nightshift.Storage.Tests.Compliance;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Storage;
using Npgsql;

namespace Nightshift.Storage.Tests.Postgres;

/// <summary>The compliance suite on PostgreSQL, each test on its own fresh database, plus what only PostgreSQL does across processes.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
public sealed class PostgresStoreTests(PostgresCluster cluster) : StoreComplianceTests
{
    protected override string ExpectedDialect => "postgresql";

    protected override Task<string> CreateDatabaseAsync() => cluster.CreateDatabaseAsync();

    protected override async Task<object?> RawScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    [StoreFact]
    public async Task WaitForWork_SubmitInAnotherProcess_WakesByNotify()
    {
        // A polling fallback longer than the test's own timeout: only NOTIFY can wake the worker in time.
        var worker = await OpenAsync(new StoreOptions { PollingInterval = TimeSpan.FromMinutes(5) });
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);
        var waiting = worker.WaitForWorkAsync(TimeSpan.FromMinutes(5), timeout.Token);

        await SubmitAsync();

        await waiting.WaitAsync(timeout.Token);
        (await worker.TryClaimAsync(Claimer())).ShouldNotBeNull();
    }

    [StoreFact]
    public async Task Follow_AppendsInAnotherProcess_AreDeliveredByNotify()
    {
        var reader = await OpenAsync(new StoreOptions { PollingInterval = TimeSpan.FromMinutes(5) });
        var task = await SubmitAsync();
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);
        var seen = new List<long>();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var following = Task.Run(async () =>
        {
            await foreach (var item in reader.FollowEventsAsync(task.Id, 0, untilFinished: true, timeout.Token))
            {
                seen.Add(item.Sequence);
                firstSeen.TrySetResult();
            }
        });
        await firstSeen.Task.WaitAsync(timeout.Token);

        var lease = await ClaimAsync();
        await Store.FinishAsync(lease, Core.Execution.TaskOutcome.Succeeded());
        await following.WaitAsync(timeout.Token);

        seen.ShouldBe([1L, 2L, 3L]);
    }
}
