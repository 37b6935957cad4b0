using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.RateLimiting;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests;

/// <summary>Every refused request gets a problem body a person can act on, and leaves the store as it was.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": ", null)]
    [InlineData("{\"repo\": \"https://github.com/example/app\" \"instruction\": \"x\"}", null)]
    [InlineData("not json at all", null)]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"priority\": \"high\"}", "priority")]
    [InlineData("{\"repo\": 5, \"instruction\": \"x\"}", "repo")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"requirePlanApproval\": \"yes\"}", "requirePlanApproval")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": [\"x\"]}", "instruction")]
    [InlineData("[1, 2, 3]", null)]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", null)]
    public async Task PostTasks_MalformedOrWrongTypedJson_Returns400NamingTheProblem_AndStoresNothing(string body, string? field)
    {
        await using var server = await RunningServer.StartAsync();
        var before = await ApiCalls.ListIdsAsync(server.Client);

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null)
        {
            problem.GetProperty("detail").GetString()!.ShouldContain($"'{field}'");
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        }
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBe(before);
    }

    [Theory]
    [InlineData("{}", "repo")]
    [InlineData("{\"repo\": \"https://github.com/example/app\"}", "instruction")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"   \"}", "instruction")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"priority\": 100000}", "priority")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"baseBranch\": \"../../etc\"}", "baseBranch")]
    [InlineData("{\"repo\": \"https://github.com/ex\\u0000ample\", \"instruction\": \"x\"}", "repo")]
    [InlineData("{\"repo\": \"https://github.com/example/app\", \"instruction\": \"x\", \"model\": \"gpt\"}", "model")]
    public async Task PostTasks_MissingOrInvalidFields_Returns400WithErrorsPerField(string body, string field)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().First().GetString().ShouldNotBeNullOrWhiteSpace();
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Fact]
    public async Task PostTasks_EmptyBodyOrNotJson_Returns400Or415Problem()
    {
        await using var server = await RunningServer.StartAsync();

        using var empty = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(""));
        using var text = await server.Client.PostAsync("/api/v1/tasks", new StringContent("repo=x", Encoding.UTF8, "text/plain"));

        await ApiCalls.ShouldBeProblemAsync(empty, HttpStatusCode.BadRequest);
        var problem = await ApiCalls.ShouldBeProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("detail").GetString()!.ShouldContain("application/json");
    }

    [Fact]
    public async Task PostTasks_BodyOverOneMebibyte_Returns413Problem_AndStoresNothing()
    {
        await using var server = await RunningServer.StartAsync();
        var huge = "{\"repo\": \"https://github.com/example/app\", \"instruction\": \"" + new string('a', 2 * 1024 * 1024) + "\"}";

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(huge));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("Api:MaxRequestBodyBytes");
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/api/v1/tasks/0000000000000000000000000a")]
    [InlineData("/api/v1/tasks/not-an-id")]
    [InlineData("/api/v1/tasks/%27%3B%20DROP%20TABLE%20tasks%3B--")]
    [InlineData("/api/v1/tasks/0000000000000000000000000a/events")]
    [InlineData("/api/v1/tasks/0000000000000000000000000a/diff")]
    [InlineData("/api/v1/tasks/0000000000000000000000000a/usage")]
    [InlineData("/api/v1/tasks/%27%3B%20DROP%20TABLE%20usage%3B--/usage")]
    [InlineData("/api/v1/tasks/0000000000000000000000000a/pull-request")]
    [InlineData("/api/v1/tasks/..%2F..%2Fetc%2Fpasswd/pull-request")]
    public async Task Get_UnknownOrHostileId_Returns404Problem(string path)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync(path);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
        problem.GetProperty("detail").GetString()!.ShouldContain("nightshift ls");
    }

    [Fact]
    public async Task Request_UnknownRouteOrWrongMethod_GetsProblemSayingWhereTheApiIs()
    {
        await using var server = await RunningServer.StartAsync();

        using var unknown = await server.Client.GetAsync("/api/v2/everything");
        using var wrongMethod = await server.Client.DeleteAsync("/api/v1/tasks");

        (await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain("/openapi/v1.json");
        (await ApiCalls.ShouldBeProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed)).GetProperty("detail").GetString()!.ShouldContain("DELETE");
    }

    [Fact]
    public async Task Post_ActionOnUnknownId_Returns404Problem()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/tasks/0000000000000000000000000a/cancel", null);

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/v1/tasks?status=finished", "status")]
    [InlineData("/api/v1/tasks?limit=0", "limit")]
    [InlineData("/api/v1/tasks?limit=201", "limit")]
    [InlineData("/api/v1/tasks?limit=ten", "limit")]
    public async Task GetTasks_BadQuery_Returns400NamingTheParameter(string path, string field)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync(path);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task GetTasks_ForgedCursor_Returns400Problem()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync("/api/v1/tasks?cursor=%27%20OR%201%3D1");

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public async Task GetEvents_BadLastEventId_Returns400Problem(string lastEventId)
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/tasks/{id}/events", lastEventId);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("Last-Event-ID", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ns_wrong-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task Request_MissingOrWrongToken_Returns401SayingWhereTheTokenIs_AndStoresNothing(string? authorization)
    {
        await using var server = await RunningServer.StartAsync();
        using var client = server.CreateClient(token: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tasks")
        {
            Content = ApiCalls.Json("""{"repo":"https://github.com/example/app","instruction":"x"}"""),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain(Path.Combine(server.DataDirectory, "token"));
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Requests_BurstOverTheLimit_Get429WithRetryAfter_AndTheRestStillStore()
    {
        await using var server = await RunningServer.StartAsync(services: s => s.Configure<RateLimitSettings>(r =>
        {
            r.Burst = 5;
            r.PermitsPerSecond = 1;
        }));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            responses.Add(await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json($$"""{"repo":"https://github.com/example/app","instruction":"burst {{i}}"}""")));
        }

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        created.ShouldBeGreaterThanOrEqualTo(5);
        refused.ShouldNotBeEmpty();
        var problem = await ApiCalls.ShouldBeProblemAsync(refused[0], HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString()!.ShouldContain("try again");
        refused[0].Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
        var stored = await server.Store.ListAsync(new Storage.TaskQuery(Limit: 200));
        stored.Items.Count.ShouldBe(created);
        responses.ForEach(r => r.Dispose());
    }
}
