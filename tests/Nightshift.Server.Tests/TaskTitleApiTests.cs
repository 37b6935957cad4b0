using System.Net;
using System.Net.Http.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Server;

namespace Nightshift.Server.Tests;

public sealed class TaskTitleApiTests
{
    [Fact]
    public async Task PostTasks_TitleGiven_KeepsItTrimmed()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new
        {
            repo = "https://github.com/example/app",
            instruction = "Three steps:\n1. add a README\n2. add a licence",
            title = "  Tidy the repository ",
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ApiCalls.ReadJsonAsync(response)).GetProperty("title").GetString().ShouldBe("Tidy the repository");
    }

    [Fact]
    public async Task PostTasks_NoTitle_DerivesOneFromTheInstruction()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new
        {
            repo = "https://github.com/example/app",
            instruction = "Three steps:\n1. add a README\n2. add a licence",
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ApiCalls.ReadJsonAsync(response)).GetProperty("title").GetString().ShouldBe("Three steps: add a README");
    }

    [Theory]
    [InlineData("""{"repo":"https://github.com/example/app","instruction":"Fix it","title":"one\ntwo"}""")]
    [InlineData("""{"repo":"https://github.com/example/app","instruction":"Fix it","title":"bell\u0007"}""")]
    public async Task PostTasks_TitleWithControlCharacters_Returns400NamingTheTitle(string body)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("title", out _).ShouldBeTrue(problem.ToString());
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Fact]
    public async Task PostTasks_TitleTooLong_Returns400NamingTheTitle()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new
        {
            repo = "https://github.com/example/app",
            instruction = "Fix it",
            title = new string('t', 10_000),
        });

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("title")[0].GetString().ShouldNotBeNull().ShouldContain("at most 200 characters");
    }

    [Fact]
    public async Task PostTasks_TitleNotAString_Returns400()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json("""{"repo":"https://github.com/example/app","instruction":"Fix it","title":42}"""));

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }
}
