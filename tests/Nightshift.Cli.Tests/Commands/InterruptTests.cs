using Microsoft.AspNetCore.Http;
using Nightshift.Cli.Tests.Api;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

public sealed class InterruptTests : IDisposable
{
    private const string Id = "01jcq5v1x0aaaaaaaa11111111";
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task LogsFollow_InterruptedWhileTheTaskRuns_Exits130AndSaysTheTaskGoesOn()
    {
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await StubHttpServer.StartAsync(async context =>
        {
            if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync($"id: 1\nevent: task.started\ndata: {{\"seq\":1,\"type\":\"task.started\",\"time\":\"2026-11-22T10:00:00Z\",\"taskId\":\"{Id}\",\"data\":{{}}}}\n\n");
                await context.Response.Body.FlushAsync();
                streaming.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(SampleTasks.Json(SampleTasks.Task(Id, TaskState.Running)));
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        using var interrupt = new CancellationTokenSource();
        _ = streaming.Task.ContinueWith(_ => interrupt.Cancel(), TaskScheduler.Default);

        var result = await cli.RunUntilAsync(interrupt.Token, "logs", Id, "-f");

        result.ExitCode.ShouldBe(ExitCodes.Interrupted, result.ToString());
        result.Stderr.ShouldContain("goes on on the server");
    }
}
