using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Execution;
using Nightshift.Server.Events;
using Nightshift.Server.Metrics;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class TaskEventHubTests
{
    [Fact]
    public async Task Subscribe_ClientFallsBehindItsBuffer_ContinuesFromTheStoreWithNoGapOrDuplicate()
    {
        var executor = new ScriptedExecutor(eventCount: 20, gated: true);
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(executor));
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;
        await ApiCalls.WaitForStatusAsync(server.Client, id, "running");
        var hub = new TaskEventHub(server.Store, NullLogger<TaskEventHub>.Instance, clientBuffer: 2);

        var sequences = new List<long>();
        await using var frames = hub.SubscribeAsync(id, 0, TestDefaults.TimeoutToken()).GetAsyncEnumerator();
        for (var i = 0; i < 2 && await frames.MoveNextAsync(); i++)
        {
            sequences.Add(frames.Current.Sequence);
        }
        executor.Open();
        await ApiCalls.WaitForStatusAsync(server.Client, id, "succeeded");
        while (await frames.MoveNextAsync())
        {
            sequences.Add(frames.Current.Sequence);
        }

        sequences.ShouldBe(Enumerable.Range(1, 24).Select(i => (long)i));
        hub.ActiveFeeds.ShouldBe(0);
    }

    [Fact]
    public async Task Events_SeveralClientsOfOneTask_ShareOneStoreFollower_ThatStopsWhenTheyLeave()
    {
        var executor = new ScriptedExecutor(eventCount: 2, gated: true);
        await using var server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(executor));
        var hub = server.App.Services.GetRequiredService<TaskEventHub>();
        var metrics = server.App.Services.GetRequiredService<ServerMetrics>();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        var readers = Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", cancellationToken: TestDefaults.TimeoutToken());
            return await SseReader.ReadAllAsync(response, TestDefaults.TimeoutToken());
        }).ToList();
        // A client is counted when its response starts, a moment before it subscribes: wait for the subscriptions.
        await TestDefaults.WaitUntilAsync(() => metrics.SseClients == 3 && hub.ActiveSubscribers == 3, "three clients follow the task");
        hub.ActiveFeeds.ShouldBe(1);
        executor.Open();
        var received = await Task.WhenAll(readers);

        received.ShouldAllBe(events => events.Count == 6 && events[5].Event == "task.succeeded");
        await TestDefaults.WaitUntilAsync(() => hub.ActiveFeeds == 0, "the shared follower stops");
    }
}
