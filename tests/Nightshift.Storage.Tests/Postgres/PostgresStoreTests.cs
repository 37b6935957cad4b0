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

    [StoreFact]
    public async Task Follow_ManyTasksFinishingInAnotherProcess_EveryFollowerIsWoken()
    {
        var reader = await OpenAsync(new StoreOptions { PollingInterval = TimeSpan.FromMinutes(5) });
        var tasks = new List<Core.Tasks.TaskRecord>();
        for (var i = 0; i < 5; i++)
        {
            tasks.Add(await SubmitAsync(Ask($"task {i}")));
        }
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);
        var followers = tasks.Select(task => Task.Run(async () =>
        {
            var count = 0;
            await foreach (var item in reader.FollowEventsAsync(task.Id, 0, untilFinished: true, timeout.Token))
            {
                count++;
            }
            return count;
        })).ToList();

        var chain = (IFinishAndClaim)Store;
        var lease = await Store.TryClaimAsync(Claimer());
        while (lease is not null)
        {
            lease = (await chain.FinishAndClaimAsync(lease, Core.Execution.TaskOutcome.Succeeded(), Claimer())).Next;
        }

        (await Task.WhenAll(followers).WaitAsync(timeout.Token)).ShouldAllBe(count => count == 3);
    }

    [StoreFact]
    public async Task FastWorkerCommits_ClaimHeartbeatFinishAndChain_BehaveAsDurableOnes()
    {
        var fast = await OpenAsync(new StoreOptions { PostgresFastWorkerCommits = true, RetryJitter = 0 });
        var first = await SubmitAsync(Ask("first"));
        var second = await SubmitAsync(Ask("second"));

        var lease = (await fast.TryClaimAsync(Claimer()))!;
        await fast.HeartbeatAsync(lease);
        var chained = await ((IFinishAndClaim)fast).FinishAndClaimAsync(lease, Core.Execution.TaskOutcome.Succeeded(), Claimer());
        var done = await fast.FinishAsync(chained.Next!, Core.Execution.TaskOutcome.Failed("no tests"));

        chained.Finished.Id.ShouldBe(first.Id);
        chained.Next!.TaskId.ShouldBe(second.Id);
        done.Status.ShouldBe(Core.Tasks.TaskState.Failed);
        (await Store.FindAsync(first.Id))!.Status.ShouldBe(Core.Tasks.TaskState.Succeeded);
        await Should.ThrowAsync<Core.Errors.LeaseLostException>(() => fast.HeartbeatAsync(lease));
    }
}
