using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Nightshift.Server.Tests.Support;

/// <summary>Small helpers over raw HTTP, so tests read like what a client sends and receives.</summary>
internal static class ApiCalls
{
    public static async Task<JsonElement> SubmitAsync(HttpClient client, string instruction = "Fix the flaky test", string repo = "https://github.com/example/app", string? idempotencyKey = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tasks", new { repo, instruction, idempotencyKey });
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> GetTaskAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/v1/tasks/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadJsonAsync(response);
    }

    public static async Task<string> StatusAsync(HttpClient client, string id) =>
        (await GetTaskAsync(client, id)).GetProperty("status").GetString()!;

    public static async Task<List<string>> ListIdsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/tasks?limit=200");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        return [.. body.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!)];
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static HttpContent Json(string raw) => new StringContent(raw, Encoding.UTF8, "application/json");

    /// <summary>Checks the RFC 7807 shape and returns the body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var body = await ReadJsonAsync(response);
        body.GetProperty("status").GetInt32().ShouldBe((int)status);
        body.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        body.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        return body;
    }

    public static async Task WaitForStatusAsync(HttpClient client, string id, string status) =>
        await TestKit.TestDefaults.WaitUntilAsync(async () => await StatusAsync(client, id) == status, $"task {id} is {status}");
}
