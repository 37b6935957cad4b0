using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nightshift.Cli.Tests.Api;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

/// <summary>Following a task through a stream that drops half-way: every event once, in order, then the outcome.</summary>
public sealed class FollowTests : IDisposable
{
    private const string Id = "01jcq5v1x0aaaaaaaa11111111";
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    private static string Event(long seq, string type, string data = "{}") =>
        $"id: {seq}\nevent: {type}\ndata: {{\"seq\":{seq},\"type\":\"{type}\",\"time\":\"2026-11-22T10:00:0{seq}Z\",\"taskId\":\"{Id}\",\"data\":{data}}}\n\n";

    private async Task<StubHttpServer> DroppingStreamAsync(TaskState finalStatus, string finalType)
    {
        var finished = false;
        var stub = await StubHttpServer.StartAsync(async context =>
        {
            var request = context.Request;
            if (request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
            {
                context.Response.ContentType = "text/event-stream";
                if (request.Headers["Last-Event-ID"].ToString() == "2")
                {
                    // The resumed stream repeats the last event seen; the client must not show it twice.
                    await context.Response.WriteAsync(Event(2, "task.phase", """{"phase":"planning"}""") + ": heartbeat\n\n" + Event(3, "command.output", """{"text":"\u001b[31mred\u001b[0m tests pass"}"""));
                    finished = true;
                    await context.Response.WriteAsync(Event(4, finalType, """{"reason":"verification failed twice"}"""));
                    return;
                }
                // Ends without the final event: the connection "drops".
                await context.Response.WriteAsync(Event(1, "task.started") + Event(2, "task.phase", """{"phase":"planning"}"""));
                return;
            }
            context.Response.ContentType = "application/json";
            var status = finished ? finalStatus : TaskState.Running;
            await context.Response.WriteAsync(SampleTasks.Json(SampleTasks.Task(Id, status) with { LastError = finished && finalStatus != TaskState.Succeeded ? "verification failed twice" : null }));
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        return stub;
    }

    [Fact]
    public async Task LogsFollow_StreamDrops_ResumesFromLastEventIdWithoutDuplicates()
    {
        await using var stub = await DroppingStreamAsync(TaskState.Succeeded, "task.succeeded");

        var result = await cli.RunAsync("logs", Id, "-f");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.Contains("task.phase", StringComparison.Ordinal)).ShouldBe(1);
        result.Stdout.IndexOf("task.started", StringComparison.Ordinal).ShouldBeLessThan(result.Stdout.IndexOf("command.output", StringComparison.Ordinal));
        result.Stdout.ShouldContain("red tests pass");
        result.Stdout.ShouldNotContain("\u001b");
        result.Stdout.ShouldContain($"task {TaskId.Short(Id)} succeeded");
        stub.Requests.Count(r => r.Headers.TryGetValue("Last-Event-ID", out var last) && last == "2").ShouldBe(1);
    }

    [Fact]
    public async Task LogsFollow_TaskNeedsReview_ExitsOneWithTheReason()
    {
        await using var stub = await DroppingStreamAsync(TaskState.NeedsReview, "task.needs_review");

        var result = await cli.RunAsync("logs", Id, "--follow");

        result.ExitCode.ShouldBe(ExitCodes.TaskFailed, result.ToString());
        result.Stdout.ShouldContain("reason: verification failed twice");
    }

    [Fact]
    public async Task LogsFollowJson_WritesOneEventObjectPerLineThenTheTask()
    {
        await using var stub = await DroppingStreamAsync(TaskState.Succeeded, "task.succeeded");

        var result = await cli.RunAsync("logs", Id, "-f", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(5);
        for (var i = 0; i < 4; i++)
        {
            using var e = JsonDocument.Parse(lines[i]);
            e.RootElement.GetProperty("seq").GetInt64().ShouldBe(i + 1);
            e.RootElement.TryGetProperty("type", out _).ShouldBeTrue();
            e.RootElement.TryGetProperty("time", out _).ShouldBeTrue();
            e.RootElement.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Object);
        }
        using var task = JsonDocument.Parse(lines[4]);
        task.RootElement.GetProperty("id").GetString().ShouldBe(Id);
        task.RootElement.GetProperty("status").GetString().ShouldBe("succeeded");
    }
}
