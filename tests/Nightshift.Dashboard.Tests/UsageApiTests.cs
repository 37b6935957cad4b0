using System.Net;
using System.Text.Json;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Dashboard.Tests;

/// <summary><c>GET /api/v1/usage</c>: the report on both dialects, and refusals of bad ranges and groupings.</summary>
public sealed class UsageApiTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Usage_OnSqlite_SumsCostTokensAndOutcomesPerDayModelAndRepo() =>
        await ReportAfterOneTaskAsync(database: null);

    [PostgresFact]
    public async Task Usage_OnPostgres_SumsCostTokensAndOutcomesPerDayModelAndRepo() =>
        await ReportAfterOneTaskAsync(await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));

    private static async Task ReportAfterOneTaskAsync(string? database)
    {
        await using var server = await DashboardServer.StartAsync(hold: true, database: database);
        var id = await server.SubmitAsync("Return 2");
        await server.Executor.Holding.WaitAsync(TestDefaults.Timeout);
        // Held until it has run for a measurable time, so the average below cannot be a constant zero.
        var started = (await server.Store.FindAsync(id))!.StartedAt!.Value;
        await TestDefaults.WaitUntilAsync(() => DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(400), "the task has run for 400 ms");
        server.Executor.Release();
        await server.WaitForStatusAsync(id, "succeeded");
        var finishedTask = (await server.Store.FindAsync(id))!;
        var expectedSeconds = Math.Round((finishedTask.FinishedAt!.Value - finishedTask.StartedAt!.Value).TotalMilliseconds / 1000.0, 1);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var byDay = await GetAsync(server, "/api/v1/usage");
        var byModel = await GetAsync(server, "/api/v1/usage?groupBy=model");
        var byRepo = await GetAsync(server, $"/api/v1/usage?groupBy=repo&from={today}&to={today}");
        var before = await GetAsync(server, "/api/v1/usage?from=2020-01-01&to=2020-01-31");

        byDay.GetProperty("groupBy").GetString().ShouldBe("day");
        byDay.GetProperty("to").GetString().ShouldBe(today);
        var day = byDay.GetProperty("rows").EnumerateArray().Single();
        day.GetProperty("key").GetString().ShouldBe(today);
        day.GetProperty("costUsd").GetDecimal().ShouldBe(2 * DashboardExecutor.CostPerCall);
        day.GetProperty("inputTokens").GetInt64().ShouldBe(2400);
        day.GetProperty("outputTokens").GetInt64().ShouldBe(600);
        day.GetProperty("calls").GetInt64().ShouldBe(2);
        day.GetProperty("costComplete").GetBoolean().ShouldBeTrue();
        day.GetProperty("tasksFinished").GetInt64().ShouldBe(1);
        day.GetProperty("successRate").GetDouble().ShouldBe(1.0);
        expectedSeconds.ShouldBeGreaterThanOrEqualTo(0.4);
        day.GetProperty("averageTaskSeconds").GetDouble().ShouldBe(expectedSeconds);
        byDay.GetProperty("total").GetProperty("averageTaskSeconds").GetDouble().ShouldBe(expectedSeconds);
        byModel.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "scripted/dash-model")
            .GetProperty("costUsd").GetDecimal().ShouldBe(0.025m);
        var repo = byRepo.GetProperty("rows").EnumerateArray().Single();
        repo.GetProperty("key").GetString().ShouldBe("https://github.com/example/app");
        repo.GetProperty("calls").GetInt64().ShouldBe(2);
        byRepo.GetProperty("total").GetProperty("costUsd").GetDecimal().ShouldBe(0.025m);
        before.GetProperty("rows").GetArrayLength().ShouldBe(0);
        before.GetProperty("total").GetProperty("successRate").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("from=yesterday", "from", "yyyy-MM-dd")]
    [InlineData("from=2026-02-30", "from", "yyyy-MM-dd")]
    [InlineData("to=2026-13-01", "to", "yyyy-MM-dd")]
    [InlineData("from=2026-11-22&to=2026-11-01", "to", "on or after")]
    [InlineData("from=2000-01-01&to=2026-01-01", "from", "at most 366")]
    [InlineData("groupBy=week", "groupBy", "day, model or repo")]
    [InlineData("groupBy=%3Cscript%3E", "groupBy", "day, model or repo")]
    [InlineData("from=0001-01-01", "from", "yyyy-MM-dd")]
    public async Task Usage_BadInput_Answers400WithTheFieldToFix(string query, string field, string advice)
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);

        using var response = await server.Api.GetAsync("/api/v1/usage?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;
        message.ShouldContain(advice);
    }

    [Fact]
    public async Task Usage_OversizedValue_IsRefusedNotScanned()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);

        using var response = await server.Api.GetAsync("/api/v1/usage?from=" + new string('9', 5_000));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Length.ShouldBeLessThan(2_000);
    }

    [Fact]
    public async Task Usage_WithoutToken_Answers401()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await anonymous.GetAsync("/api/v1/usage");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonElement> GetAsync(DashboardServer server, string path)
    {
        using var response = await server.Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
