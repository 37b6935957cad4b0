using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>The same API over PostgreSQL: submit, run, stream, list.</summary>
public sealed class PostgresSmokeTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [PostgresFact]
    public async Task Api_OnPostgres_SubmitsRunsAndStreamsATask()
    {
        var database = await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken());
        await using var server = await RunningServer.StartAsync(
            o =>
            {
                o.Database = database;
                o.RunWorker = true;
            },
            s => s.AddSingleton<ITaskExecutor>(new ScriptedExecutor(eventCount: 2)));
        server.Store.Dialect.ShouldBe("postgresql");

        var id = (await ApiCalls.SubmitAsync(server.Client, idempotencyKey: "pg-smoke")).GetProperty("id").GetString()!;
        using var stream = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken());
        var events = await SseReader.ReadAllAsync(stream, TestDefaults.TimeoutToken());

        events.Select(e => e.Event).ShouldBe(["task.queued", "task.started", "task.phase", "tool.call", "tool.call", "task.succeeded"]);
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("succeeded");
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBe([id]);
        (await ApiCalls.SubmitAsync(server.Client, idempotencyKey: "pg-smoke")).GetProperty("id").GetString().ShouldBe(id);
    }
}
