using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nightshift.Core.Execution;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Workers;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>Queue:MaxRunningTasks and Queue:MaxRunningTasksPerRepository, set in appsettings.json, bound real workers on both stores.</summary>
public sealed class QueueCapTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private const string RepoA = "https://github.com/example/app";
    private const string RepoB = "https://github.com/example/lib";

    private static async Task<RunningServer> StartAsync(PeakExecutor executor, string settingsJson, string? database, TempDirectory data)
    {
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), settingsJson);
        return await RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = true;
                o.WorkerSlots = 4;
                o.Database = database;
                o.PollInterval = TimeSpan.FromMilliseconds(200);
            },
            s => s.AddSingleton<ITaskExecutor>(executor),
            data.Path);
    }

    private static async Task<string> SubmitAsync(HttpClient client, string repo, string instruction)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tasks", new { repo, instruction });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await ApiCalls.ReadJsonAsync(response)).GetProperty("id").GetString()!;
    }

    private static async Task RunGlobalCapAsync(string? database)
    {
        using var data = new TempDirectory();
        var executor = new PeakExecutor();
        await using var server = await StartAsync(executor, """{ "Queue": { "MaxRunningTasks": 1 } }""", database, data);
        server.App.Services.GetRequiredService<IOptions<QueueSettings>>().Value.MaxRunningTasks.ShouldBe(1);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsync(server.Client, RepoA, $"capped {i}"));
        }

        for (var done = 0; done < ids.Count; done++)
        {
            await TestDefaults.WaitUntilAsync(() => executor.Running == 1, "one task runs");
            executor.ReleaseOne();
            var finished = done + 1;
            await TestDefaults.WaitUntilAsync(
                async () => (await Task.WhenAll(ids.Select(id => ApiCalls.StatusAsync(server.Client, id)))).Count(s => s == "succeeded") == finished,
                $"{finished} task(s) finished");
        }

        executor.Peak.ShouldBe(1, "four free slots, yet the cap let only one task run at a time");
    }

    private static async Task RunPerRepositoryCapAsync(string? database)
    {
        using var data = new TempDirectory();
        var executor = new PeakExecutor();
        await using var server = await StartAsync(executor, """{ "Queue": { "MaxRunningTasksPerRepository": 1 } }""", database, data);
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add(await SubmitAsync(server.Client, RepoA, $"app {i}"));
            ids.Add(await SubmitAsync(server.Client, RepoB, $"lib {i}"));
        }

        await TestDefaults.WaitUntilAsync(() => executor.Running == 2, "one task of each repository runs");
        for (var i = 0; i < ids.Count; i++)
        {
            executor.ReleaseOne();
        }
        foreach (var id in ids)
        {
            await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        }

        executor.PeakByRepo[RepoA].ShouldBe(1);
        executor.PeakByRepo[RepoB].ShouldBe(1);
        executor.Peak.ShouldBe(2, "the cap is per repository, not global");
    }

    [Fact]
    public Task MaxRunningTasks_FourSlotsAndThreeTasks_RunsOneAtATime_Sqlite() => RunGlobalCapAsync(database: null);

    [PostgresFact]
    public async Task MaxRunningTasks_FourSlotsAndThreeTasks_RunsOneAtATime_Postgres() =>
        await RunGlobalCapAsync(await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));

    [Fact]
    public Task MaxRunningTasksPerRepository_TwoRepositories_RunsOnePerRepository_Sqlite() => RunPerRepositoryCapAsync(database: null);

    [PostgresFact]
    public async Task MaxRunningTasksPerRepository_TwoRepositories_RunsOnePerRepository_Postgres() =>
        await RunPerRepositoryCapAsync(await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));

    [Theory]
    [InlineData("""{ "Queue": { "MaxRunningTasks": 0 } }""", "Queue:MaxRunningTasks")]
    [InlineData("""{ "Queue": { "MaxRunningTasksPerRepository": -3 } }""", "Queue:MaxRunningTasksPerRepository")]
    [InlineData("""{ "Queue": { "MaxRunningTasks": "many" } }""", "Queue:MaxRunningTasks")]
    [InlineData("""{ "Worker": { "TaskDeadline": "00:00:00" } }""", "Worker:TaskDeadline")]
    [InlineData("""{ "Worker": { "TaskDeadline": "soon" } }""", "Worker:TaskDeadline")]
    [InlineData("""{ "Worker": { "StallTimeout": "-00:00:05" } }""", "Worker:StallTimeout")]
    [InlineData("""{ "Worker": { "StopGrace": "3.00:00:00" } }""", "Worker:StopGrace")]
    public async Task Start_BadWorkerOrQueueSetting_RefusesToStartNamingTheSetting(string settingsJson, string setting)
    {
        using var data = new TempDirectory();

        var error = await Should.ThrowAsync<Exception>(() => StartAsync(new PeakExecutor(), settingsJson, database: null, data));

        error.Message.ShouldContain(setting);
    }
}
