using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nightshift.Cli.Tests.Api;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

public sealed class SubmitTitleTests : IDisposable
{
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<StubHttpServer> ServeAsync()
    {
        var stub = await StubHttpServer.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(SampleTasks.Json(SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111")));
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        return stub;
    }

    private static JsonElement Body(StubHttpServer stub) =>
        JsonDocument.Parse(stub.Requests.Where(r => r.Method == "POST").ShouldHaveSingleItem().Body).RootElement;

    [Fact]
    public async Task Submit_TitleOption_SendsTheTitle()
    {
        await using var stub = await ServeAsync();

        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "--title", "Tidy the repository", "Three steps:\n1. add a README");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        Body(stub).GetProperty("title").GetString().ShouldBe("Tidy the repository");
    }

    [Fact]
    public async Task Submit_NoTitleOption_LeavesTheTitleToTheServer()
    {
        await using var stub = await ServeAsync();

        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "Fix the flaky test. It fails one run in ten.");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var body = Body(stub);
        (!body.TryGetProperty("title", out var title) || title.ValueKind == JsonValueKind.Null).ShouldBeTrue(body.ToString());
    }

    [Fact]
    public async Task Submit_TitleTooLong_ExitsWithAUsageErrorWithoutAskingTheServer()
    {
        await using var stub = await ServeAsync();

        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "--title", new string('t', 201), "Fix it");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("title: must be one line of at most 200 characters");
        stub.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_TitleOnTwoLines_ExitsWithAUsageErrorWithoutAskingTheServer()
    {
        await using var stub = await ServeAsync();

        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "--title", "one\ntwo", "Fix it");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("title:");
        stub.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_TitleOptionWithoutAValue_ExitsWithAUsageError()
    {
        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "Fix it", "--title");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("--title");
    }
}
