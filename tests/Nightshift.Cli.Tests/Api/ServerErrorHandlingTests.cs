using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Api;

/// <summary>What the CLI says and returns for each kind of answer a server (or something else on the port) can give.</summary>
public sealed class ServerErrorHandlingTests : IDisposable
{
    private const string FullId = "01jcq5v1x0abcdefghjkmnpqrs";
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<StubHttpServer> StubAsync(int status, string body, string contentType = "application/problem+json")
    {
        var stub = await StubHttpServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });
        cli.Variables["NIGHTSHIFT_SERVER"] = stub.Url.ToString();
        cli.Variables["NIGHTSHIFT_TOKEN"] = "ns_test";
        return stub;
    }

    [Theory]
    [InlineData(404, ExitCodes.NotFound)]
    [InlineData(401, ExitCodes.Unauthorized)]
    [InlineData(403, ExitCodes.Unauthorized)]
    [InlineData(409, ExitCodes.Conflict)]
    [InlineData(400, ExitCodes.Usage)]
    [InlineData(413, ExitCodes.Usage)]
    [InlineData(422, ExitCodes.Usage)]
    [InlineData(429, ExitCodes.ServerError)]
    [InlineData(503, ExitCodes.ServerError)]
    public async Task Show_ProblemStatus_PrintsDetailAndMapsTheExitCode(int status, int expected)
    {
        await using var stub = await StubAsync(status, $$"""{"title":"t","status":{{status}},"detail":"detail for {{status}}"}""");

        var result = await cli.RunAsync("show", FullId, "--json");

        result.ExitCode.ShouldBe(expected, result.ToString());
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith($"error: detail for {status}");
    }

    [Fact]
    public async Task Submit_ValidationProblem_PrintsEveryFieldError()
    {
        await using var stub = await StubAsync(400, """{"title":"invalid","status":400,"detail":"the task is not valid","errors":{"repo":["is not allowed: only github.com"],"model":["unknown provider 'x'"]}}""");

        var result = await cli.RunAsync("submit", "--repo", "https://evil.example/r", "do it");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("error: the task is not valid");
        result.Stderr.ShouldContain("  repo: is not allowed: only github.com");
        result.Stderr.ShouldContain("  model: unknown provider 'x'");
    }

    [Fact]
    public async Task Show_Unauthorized_SaysWhereTheTokenCameFrom()
    {
        await using var stub = await StubAsync(401, """{"title":"Unauthorized","status":401,"detail":"the bearer token is missing or wrong"}""");

        var result = await cli.RunAsync("show", FullId);

        result.ExitCode.ShouldBe(ExitCodes.Unauthorized);
        result.Stderr.ShouldContain("NIGHTSHIFT_TOKEN");
        result.Stderr.ShouldNotContain("ns_test");
    }

    [Fact]
    public async Task Show_HtmlErrorPage_ExitsServerErrorWithAShortenedBody()
    {
        await using var stub = await StubAsync(502, "<html><body>" + new string('x', 5000) + "</body></html>", "text/html");

        var result = await cli.RunAsync("show", FullId);

        result.ExitCode.ShouldBe(ExitCodes.ServerError);
        result.Stderr.ShouldContain("502");
        result.Stderr.Length.ShouldBeLessThan(1500);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"id": 5}""")]
    [InlineData("[]")]
    public async Task Show_OkButNotATask_ExitsServerError(string body)
    {
        await using var stub = await StubAsync(200, body, "application/json");

        var result = await cli.RunAsync("show", FullId);

        result.ExitCode.ShouldBe(ExitCodes.ServerError, result.ToString());
        result.Stderr.ShouldStartWith("error: ");
    }

    [Fact]
    public async Task Ls_NoServerListening_ExitsThreeAndSaysHowToStartOne()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        cli.Variables["NIGHTSHIFT_SERVER"] = $"http://127.0.0.1:{port}";

        var result = await cli.RunAsync("ls");

        result.ExitCode.ShouldBe(ExitCodes.ServerUnreachable);
        result.Stderr.ShouldContain($"no Nightshift server answers at http://127.0.0.1:{port}");
        result.Stderr.ShouldContain("nightshift up");
    }

    [Fact]
    public async Task Requests_CarryTheBearerTokenAndEscapeTheId()
    {
        await using var stub = await StubAsync(200, SampleTasks.Json(SampleTasks.Task(FullId)), "application/json");

        var result = await cli.RunAsync("show", FullId.ToUpperInvariant());

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var request = stub.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/api/v1/tasks/" + FullId);
        request.Headers["Authorization"].ShouldBe("Bearer ns_test");
    }
}
