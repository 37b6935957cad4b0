using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Hosting;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

/// <summary>The server as a real child process, stopped with signals.</summary>
public sealed class ShutdownTests
{
    private static async Task<bool> HasEventAsync(HttpClient client, string id, string type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await ApiCalls.ReadJsonAsync(response)).EnumerateArray().Any(e => e.GetProperty("type").GetString() == type);
    }

    [Fact]
    public async Task Sigterm_RunningTasks_CheckpointAndReleaseTheirLeasesAndTheProcessExitsWithinTheBound()
    {
        using var data = new TempDirectory();
        var ids = new List<string>();
        await using (var child = await ChildServer.StartAsync(data.Path, "--executor", "until-cancelled", "--shutdown-seconds", "5", "--lease-seconds", "60"))
        {
            ServerInfoFile.TryRead(data.Path)!.Url.ShouldBe(child.Url);
            for (var i = 0; i < 2; i++)
            {
                ids.Add((await ApiCalls.SubmitAsync(child.Client, $"long task {i}")).GetProperty("id").GetString()!);
            }
            foreach (var id in ids)
            {
                await TestDefaults.WaitUntilAsync(() => HasEventAsync(child.Client, id, "test.waiting"), $"task {id} runs");
            }

            child.Signal("TERM");
            var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(5 + 10));

            exitCode.ShouldBe(0, "the server should exit cleanly within its shutdown bound; output:\n" + child.Output);
            File.Exists(ServerInfoFile.PathIn(data.Path)).ShouldBeFalse();
        }

        var resumed = new UntilCancelledExecutor();
        await using (var server = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            foreach (var id in ids)
            {
                (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("queued");
                (await HasEventAsync(server.Client, id, "task.released")).ShouldBeTrue();
                var task = await ApiCalls.GetTaskAsync(server.Client, id);
                task.GetProperty("attempts").GetInt32().ShouldBe(0, "a shutdown hands the attempt back");
                (await server.Store.GetCheckpointAsync(id)).ShouldNotBeNull().ShouldContain("step-2");
            }
        }

        await using (var worker = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<ITaskExecutor>(resumed), data.Path))
        {
            await TestDefaults.WaitUntilAsync(() => resumed.Running == 2, "both tasks run again");
            lock (resumed.CheckpointsSeen)
            {
                resumed.CheckpointsSeen.ShouldAllBe(c => c != null && c.Contains("step-2"));
            }
        }
    }

    [Fact]
    public async Task SecondSigterm_ExecutorIgnoringShutdown_ExitsAtOnce()
    {
        using var data = new TempDirectory();
        await using var child = await ChildServer.StartAsync(data.Path, "--executor", "stubborn", "--shutdown-seconds", "120");
        var id = (await ApiCalls.SubmitAsync(child.Client)).GetProperty("id").GetString()!;
        await TestDefaults.WaitUntilAsync(() => HasEventAsync(child.Client, id, "test.waiting"), "the task runs");

        child.Signal("TERM");
        var stillRunning = await child.WaitForExitAsync(TimeSpan.FromMilliseconds(500));
        child.Signal("TERM");
        var exitCode = await child.WaitForExitAsync(TestDefaults.Timeout);

        stillRunning.ShouldBeNull("one SIGTERM waits for the running task");
        exitCode.ShouldBe(143);
    }
}
