using Microsoft.AspNetCore.Http;
using Nightshift.Cli.Tests.Api;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

public sealed class ShortIdTests : IDisposable
{
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<StubHttpServer> ServeAsync(params TaskRecord[] tasks)
    {
        var stub = await StubHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            var path = context.Request.Path.Value ?? "";
            if (path == "/api/v1/tasks")
            {
                await context.Response.WriteAsync(SampleTasks.Page(tasks));
                return;
            }
            var match = tasks.FirstOrDefault(t => path == "/api/v1/tasks/" + t.Id || path.StartsWith("/api/v1/tasks/" + t.Id + "/", StringComparison.Ordinal));
            if (match is null)
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("""{"title":"Not Found","status":404,"detail":"no task has that id"}""");
                return;
            }
            await context.Response.WriteAsync(SampleTasks.Json(match with { Status = path.EndsWith("/cancel", StringComparison.Ordinal) ? TaskState.Cancelled : match.Status }));
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        return stub;
    }

    [Fact]
    public async Task Show_ShortIdOfOneTask_ShowsThatTask()
    {
        var task = SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111");
        await using var stub = await ServeAsync(SampleTasks.Task("01jcq5v1x0bbbbbbbb22222222"), task);

        var result = await cli.RunAsync("show", "11111111");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldContain(task.Id);
    }

    [Fact]
    public async Task Cancel_ShortIdMatchingTwoTasks_ExitsTwoListingBoth()
    {
        await using var stub = await ServeAsync(SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111"), SampleTasks.Task("01jcq5v1x0bbbbbbbb11111111"));

        var result = await cli.RunAsync("cancel", "11111111");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("01jcq5v1x0aaaaaaaa11111111");
        result.Stderr.ShouldContain("01jcq5v1x0bbbbbbbb11111111");
        stub.Requests.ShouldNotContain(r => r.Method == "POST");
    }

    [Fact]
    public async Task Show_ShortIdOfNoTask_ExitsFour()
    {
        await using var stub = await ServeAsync(SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111"));

        var result = await cli.RunAsync("show", "99999999");

        result.ExitCode.ShouldBe(ExitCodes.NotFound, result.ToString());
        result.Stderr.ShouldContain("no task has the short id '99999999'");
    }

    [Fact]
    public async Task Cancel_Json_WritesOnlyTheTaskToStdout()
    {
        await using var stub = await ServeAsync(SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111", TaskState.Running));

        var result = await cli.RunAsync("cancel", "11111111", "--format", "json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(result.Stdout);
        document.RootElement.GetProperty("status").GetString().ShouldBe("cancelled");
        result.Stderr.ShouldContain("cancel requested");
    }
}
