using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Dashboard.Tests;

/// <summary>
/// Usage per plan subtask: <c>GET /api/v1/tasks/{id}/usage</c> on both dialects, its refusals, and the tokens and cost
/// each node of the task page's plan drawing shows.
/// </summary>
public sealed partial class TaskUsageTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task TaskUsage_OnSqlite_SplitsTheTasksUsageByPlanSubtask() =>
        await SplitAfterOneTaskAsync(database: null);

    [PostgresFact]
    public async Task TaskUsage_OnPostgres_SplitsTheTasksUsageByPlanSubtask() =>
        await SplitAfterOneTaskAsync(await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));

    [Fact]
    public async Task TaskUsage_UnknownOrHostileId_Answers404Problem()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);

        foreach (var id in new[] { "01JZZZZZZZZZZZZZZZZZZZZZZZ", "%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", "'%20OR%201=1%20--", new string('a', 2_000) })
        {
            using var response = await server.Api.GetAsync($"/api/v1/tasks/{id}/usage");

            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, id);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            problem.RootElement.GetProperty("status").GetInt32().ShouldBe(404);
        }
    }

    [Fact]
    public async Task TaskUsage_WithoutToken_Answers401()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        var id = await server.SubmitAsync("Nobody may read my costs");
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TestDefaults.Timeout };

        using var response = await anonymous.GetAsync($"/api/v1/tasks/{id}/usage");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TaskUsage_QueuedTaskWithoutModelCalls_IsAllZero()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        var id = await server.SubmitAsync("Not started");

        var usage = await GetAsync(server, $"/api/v1/tasks/{id}/usage");

        usage.GetProperty("subtasks").GetArrayLength().ShouldBe(0);
        usage.GetProperty("total").GetProperty("calls").GetInt32().ShouldBe(0);
        usage.GetProperty("unattributed").GetProperty("costUsd").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task TaskPage_PlanNodes_ShowEachSubtasksTokensAndCost()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Return 2");
        await server.WaitForStatusAsync(id, "succeeded");
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        var page = await browser.GetStringAsync($"/tasks/{id}");
        var summary = await browser.GetStringAsync($"/tasks/{id}?handler=Summary");

        foreach (var html in new[] { page, summary })
        {
            var parse = NodeUsage(html, "parse");
            parse.Text.ShouldBe("1500 tokens · $0.0125");
            parse.Tokens.ShouldBe("1500");
            parse.Cost.ShouldBe("0.0125");
            // The plan agent's call belongs to no subtask, and "report" made none.
            NodeUsage(html, "report").Text.ShouldBe("no model calls yet");
        }
    }

    private static async Task SplitAfterOneTaskAsync(string? database)
    {
        await using var server = await DashboardServer.StartAsync(database: database);
        var id = await server.SubmitAsync("Return 2");
        await server.WaitForStatusAsync(id, "succeeded");

        var usage = await GetAsync(server, $"/api/v1/tasks/{id}/usage");
        using var task = JsonDocument.Parse(await server.Api.GetStringAsync($"/api/v1/tasks/{id}"));

        usage.GetProperty("taskId").GetString().ShouldBe(id);
        var parse = usage.GetProperty("subtasks").EnumerateArray().ShouldHaveSingleItem();
        parse.GetProperty("id").GetString().ShouldBe("parse");
        var parseUsage = parse.GetProperty("usage");
        parseUsage.GetProperty("inputTokens").GetInt64().ShouldBe(1200);
        parseUsage.GetProperty("outputTokens").GetInt64().ShouldBe(300);
        parseUsage.GetProperty("costUsd").GetDecimal().ShouldBe(DashboardExecutor.CostPerCall);
        parseUsage.GetProperty("calls").GetInt32().ShouldBe(1);
        parseUsage.GetProperty("unpricedCalls").GetInt32().ShouldBe(0);
        parseUsage.GetProperty("costComplete").GetBoolean().ShouldBeTrue();
        var unattributed = usage.GetProperty("unattributed");
        unattributed.GetProperty("calls").GetInt32().ShouldBe(1);
        unattributed.GetProperty("costUsd").GetDecimal().ShouldBe(DashboardExecutor.CostPerCall);
        var total = usage.GetProperty("total");
        var taskUsage = task.RootElement.GetProperty("usage");
        foreach (var field in new[] { "inputTokens", "outputTokens", "cachedTokens", "calls", "unpricedCalls" })
        {
            total.GetProperty(field).GetInt64().ShouldBe(taskUsage.GetProperty(field).GetInt64(), field);
        }
        total.GetProperty("costUsd").GetDecimal().ShouldBe(2 * DashboardExecutor.CostPerCall);
        taskUsage.GetProperty("costUsd").GetDecimal().ShouldBe(2 * DashboardExecutor.CostPerCall);
    }

    private static async Task<JsonElement> GetAsync(DashboardServer server, string path)
    {
        using var response = await server.Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static (string Text, string? Tokens, string? Cost) NodeUsage(string html, string subtask)
    {
        var node = NodePattern().Matches(html).FirstOrDefault(m => m.Groups["id"].Value == subtask);
        node.ShouldNotBeNull($"no plan node for subtask '{subtask}' in the page");
        var usage = UsagePattern().Match(node.Groups["body"].Value);
        usage.Success.ShouldBeTrue($"plan node '{subtask}' shows no usage line: {node.Value}");
        string? Attribute(string name) =>
            Regex.Match(usage.Groups["attributes"].Value, $"{name}=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : null;
        return (WebUtility.HtmlDecode(usage.Groups["text"].Value), Attribute("data-tokens"), Attribute("data-cost"));
    }

    [GeneratedRegex("<g class=\"node [^\"]*\" data-subtask=\"(?<id>[^\"]+)\"[^>]*>(?<body>.*?)</g>", RegexOptions.Singleline)]
    private static partial Regex NodePattern();

    [GeneratedRegex("<text (?<attributes>[^>]*class=\"node-usage\"[^>]*)>(?<text>[^<]*)</text>")]
    private static partial Regex UsagePattern();
}
