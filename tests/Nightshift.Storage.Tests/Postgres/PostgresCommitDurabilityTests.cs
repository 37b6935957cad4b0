using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Storage;
using Npgsql;

namespace Nightshift.Storage.Tests.Postgres;

/// <summary>
/// Which commits wait for PostgreSQL's WAL flush, read from the server's own flush position. The cluster is this
/// class's own, with the background WAL writer slowed to its maximum delay and the background writer and autovacuum
/// off, so nothing but a committing session flushes the WAL during a test.
/// </summary>
[RequiresPostgres]
public sealed class PostgresCommitDurabilityTests(PostgresCommitDurabilityTests.QuietWalCluster fixture) : IClassFixture<PostgresCommitDurabilityTests.QuietWalCluster>, IAsyncLifetime
{
    private readonly PostgresCluster _cluster = fixture.Cluster;
    private readonly string _data = Directory.CreateTempSubdirectory("nightshift-durability-").FullName;
    private readonly List<INightshiftStore> _stores = [];
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await _cluster.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        Directory.Delete(_data, recursive: true);
    }

    [StoreFact]
    public async Task Claim_DoesNotWaitForTheFlush_AndTheWorkersNextDurableWriteFlushesIt()
    {
        var store = await OpenAsync(new StoreOptions());
        await WarmUpAsync(store);
        await store.SubmitAsync(Ask("measured"));

        var lease = (await store.TryClaimAsync(Claimer()))!;
        var (claimedAt, flushedAfterClaim) = await WalPositionsAsync();

        // An asynchronous commit wakes the WAL writer, which may flush the log's completed pages at once; the page
        // holding the claim's commit record (the end of the log here) stays unflushed unless the claim waited.
        flushedAfterClaim.ShouldBeLessThan(claimedAt, "the claim's commit should not have waited for the WAL flush");
        var visible = await store.FindAsync(lease.TaskId);
        visible!.Status.ShouldBe(TaskState.Running);

        await store.AppendEventAsync(lease, "agent.step", """{"n":2}""");
        var (_, flushedAfterEvent) = await WalPositionsAsync();
        flushedAfterEvent.ShouldBeGreaterThanOrEqualTo(claimedAt, "a durable write flushes the log up to itself, the claim before it included");
    }

    [StoreFact]
    public async Task HeartbeatAndFinish_WaitForTheFlush_UnlessFastWorkerCommitsIsOn()
    {
        var durable = await OpenAsync(new StoreOptions());
        var fast = await OpenAsync(new StoreOptions { PostgresFastWorkerCommits = true });
        await WarmUpAsync(durable);
        await durable.SubmitAsync(Ask("durable"));
        await durable.SubmitAsync(Ask("fast"));

        var first = (await durable.TryClaimAsync(Claimer()))!;
        // Only a committing session flushes here, so a flush past where the log ended before a write is that write's.
        var (before, _) = await WalPositionsAsync();
        await durable.HeartbeatAsync(first);
        (await WalPositionsAsync()).Flushed.ShouldBeGreaterThan(before, "a heartbeat waits for the flush by default");
        (before, _) = await WalPositionsAsync();
        await durable.FinishAsync(first, TaskOutcome.Succeeded());
        (await WalPositionsAsync()).Flushed.ShouldBeGreaterThan(before, "a final finish waits for the flush by default");

        var second = (await fast.TryClaimAsync(Claimer()))!;
        (before, _) = await WalPositionsAsync();
        await fast.HeartbeatAsync(second);
        (await WalPositionsAsync()).Flushed.ShouldBeLessThanOrEqualTo(before, "with PostgresFastWorkerCommits a heartbeat does not wait");
    }

    [StoreFact]
    public async Task ClaimUndoneByACrash_LeavesTheWorkerFenced_AndTheTaskToTheNextClaimer()
    {
        var store = await OpenAsync(new StoreOptions { RetryJitter = 0 });
        var task = (await store.SubmitAsync(Ask("survives"))).Task;
        var lost = (await store.TryClaimAsync(Claimer("worker-a")))!;

        // What recovery leaves when the claim's commit never reached the disk: the row and log as before the claim.
        // (An immediate stop of the server does not lose it here, as the kernel still holds the written WAL.)
        await ExecuteAsync(
            $"UPDATE tasks SET status = 'queued', attempts = attempts - 1, lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, started_at = NULL, last_seq = last_seq - 1 WHERE id = '{task.Id}';"
            + $" DELETE FROM events WHERE task_id = '{task.Id}' AND type = 'task.started';");
        await _cluster.CrashAndRestartAsync();
        var after = await OpenAsync(new StoreOptions { RetryJitter = 0 });

        await Should.ThrowAsync<LeaseLostException>(() => after.HeartbeatAsync(lost));
        await Should.ThrowAsync<LeaseLostException>(() => after.AppendEventAsync(lost, "agent.step", "{}"));
        await Should.ThrowAsync<LeaseLostException>(() => after.FinishAsync(lost, TaskOutcome.Succeeded()));
        var again = (await after.TryClaimAsync(Claimer("worker-b")))!;
        again.TaskId.ShouldBe(task.Id);
        again.Attempt.ShouldBe(lost.Attempt, "the lost claim's attempt was never counted");
        (await after.FinishAsync(again, TaskOutcome.Succeeded())).Status.ShouldBe(TaskState.Succeeded);
        var started = (await after.ReadEventsAsync(task.Id, 0)).Where(e => e.Type == "task.started").ToList();
        started.Count.ShouldBe(1);
        started[0].Data.ShouldContain("worker-b");
    }

    /// <summary>
    /// The WAL writer flushes at once when it has not for wal_writer_delay, so a test first makes one lone claim
    /// (which wakes it, restarting that clock) and a durable write, and gives the writer a moment to settle.
    /// </summary>
    private static async Task WarmUpAsync(INightshiftStore store)
    {
        await store.SubmitAsync(Ask("warm-up"));
        var lease = (await store.TryClaimAsync(Claimer("warm-up")))!;
        await store.AppendEventAsync(lease, "agent.step", "{}");
        await Task.Delay(200);
    }

    private async Task<INightshiftStore> OpenAsync(StoreOptions options)
    {
        var store = await StoreFactory.OpenAsync(_data, _database, TimeProvider.System, options);
        _stores.Add(store);
        return store;
    }

    private static NewTask Ask(string instruction) => new() { Repo = "https://example.com/acme/app", Instruction = instruction };

    private static ClaimRequest Claimer(string worker = "worker-1") => new(worker, TimeSpan.FromMinutes(5));

    /// <summary>The end of the WAL written so far and how far of it is flushed to disk.</summary>
    private async Task<(ulong Inserted, ulong Flushed)> WalPositionsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint, (pg_current_wal_flush_lsn() - '0/0')::bigint";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>This class's own cluster: nothing but a committing session flushes its WAL within a test.</summary>
    public sealed class QuietWalCluster : IAsyncLifetime
    {
        public PostgresCluster Cluster { get; } = PostgresCluster.WithSettings("-c wal_writer_delay=10000ms -c bgwriter_lru_maxpages=0 -c autovacuum=off");

        public Task InitializeAsync() => Cluster.InitializeAsync();

        public Task DisposeAsync() => Cluster.DisposeAsync();
    }
}
