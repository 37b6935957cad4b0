using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nightshift.Cli.Tests.Api;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

/// <summary>Bookkeeping events (task.checkpoint, model.request…) are left out of what people read unless --all-events; --json keeps them.</summary>
public sealed class BookkeepingEventTests : IDisposable
{
    private const string Id = "01jcq5v1x0aaaaaaaa22222222";
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    private static readonly (string Type, string Data)[] Events =
    [
        ("task.started", """{"attempt":1}"""),
        ("task.checkpoint", """{"bytes":4096}"""),
        ("model.request", """{"role":"build","step":1,"messages":3,"estimatedTokens":900}"""),
        ("tool.call", """{"callId":"c1","tool":"read_file","arguments":"{}"}"""),
        ("task.checkpoint", """{"bytes":5000}"""),
        ("task.succeeded", """{"branch":"nightshift/t"}"""),
    ];

    private static string Json(int i) =>
        $$"""{"seq":{{i + 1}},"type":"{{Events[i].Type}}","time":"2026-11-22T10:00:0{{i}}Z","taskId":"{{Id}}","data":{{Events[i].Data}}}""";

    private async Task<StubHttpServer> ServerAsync()
    {
        var stub = await StubHttpServer.StartAsync(async context =>
        {
            var request = context.Request;
            if (request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
            {
                context.Response.ContentType = "text/event-stream";
                for (var i = 0; i < Events.Length; i++)
                {
                    await context.Response.WriteAsync($"id: {i + 1}\nevent: {Events[i].Type}\ndata: {Json(i)}\n\n");
                }
                return;
            }
            context.Response.ContentType = "application/json";
            if (request.Path.Value!.EndsWith("/events", StringComparison.Ordinal))
            {
                var after = long.Parse(request.Query["after"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("[" + string.Join(',', Enumerable.Range(0, Events.Length).Where(i => i + 1 > after).Select(Json)) + "]");
                return;
            }
            await context.Response.WriteAsync(SampleTasks.Json(SampleTasks.Task(Id, TaskState.Succeeded)));
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        return stub;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Logs_Piped_HidesBookkeepingEvents(bool follow)
    {
        await using var stub = await ServerAsync();

        var result = await cli.RunAsync(follow ? ["logs", Id, "-f"] : ["logs", Id]);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldContain("task.started");
        result.Stdout.ShouldContain("tool.call");
        result.Stdout.ShouldContain("task.succeeded");
        result.Stdout.ShouldNotContain("task.checkpoint");
        result.Stdout.ShouldNotContain("model.request");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Logs_AllEvents_ShowsBookkeepingWithTheirSummaries(bool follow)
    {
        await using var stub = await ServerAsync();

        var result = await cli.RunAsync(follow ? ["logs", Id, "-f", "--all-events"] : ["logs", Id, "--all-events"]);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.Contains("task.checkpoint", StringComparison.Ordinal)).ShouldBe(2);
        result.Stdout.ShouldContain("checkpoint saved (4 KB)");
        result.Stdout.ShouldContain("model.request");
    }

    [Fact]
    public async Task LogsFollowJson_KeepsEveryEvent()
    {
        await using var stub = await ServerAsync();

        var result = await cli.RunAsync("logs", Id, "-f", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(Events.Length + 1);
        lines[..^1].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString())
            .ShouldBe(Events.Select(e => e.Type));
    }

    [Fact]
    public async Task LogsJson_KeepsEveryEvent()
    {
        await using var stub = await ServerAsync();

        var result = await cli.RunAsync("logs", Id, "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        using var array = JsonDocument.Parse(result.Stdout);
        array.RootElement.GetArrayLength().ShouldBe(Events.Length);
    }
}
