using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Models.Recording;
using Nightshift.Server.Metrics;
using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Workers;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests;

/// <summary><c>GET /api/v1/tasks/{id}/commands</c> over rows a worker's run wrote through the real store.</summary>
public sealed class TaskCommandsApiTests : IAsyncLifetime
{
    private const string FakeSecret = "sk-test-audit-0123456789abcdef-not-real";

    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static CommandAuditEntry Ran(string command, string phase = "verify", int exitCode = 0, string? limit = null, IReadOnlyList<CommandHostDecisions>? hosts = null) =>
        new(phase, null, command, "", hosts is null ? "off" : "on", exitCode, null, limit, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1_500), 10, 2, hosts ?? []);

    /// <summary>A task of <paramref name="orgId"/> claimed by a worker, and the run its executor would write through.</summary>
    private async Task<(string TaskId, LeasedTaskRun Run)> ClaimedAsync(string orgId = "default")
    {
        var submitted = await _server.Store.SubmitAsync(new NewTask { Repo = "https://git.example.com/team/app", Instruction = "run things", OrgId = orgId }.Validated());
        var lease = await _server.Store.TryClaimAsync(new ClaimRequest("test-worker:1:0", TimeSpan.FromMinutes(5))) ?? throw new InvalidOperationException("not claimed");
        lease.TaskId.ShouldBe(submitted.Task.Id);
        var run = new LeasedTaskRun(lease, _server.Store, _server.App.Services.GetRequiredService<ServerMetrics>(), TimeProvider.System,
            _server.App.Services.GetRequiredService<SecretValues>());
        return (submitted.Task.Id, run);
    }

    [Fact]
    public async Task GetCommands_RunRecordedSome_ListsThemInOrderWithTotalsAndSecretsMasked()
    {
        _server.App.Services.GetRequiredService<SecretValues>().Add(FakeSecret);
        var (id, run) = await ClaimedAsync();
        await run.RecordCommandAsync(Ran("npm ci", "setup", hosts: [new("registry.example.org", 443, true, 4, "public address"), new("10.0.0.1", 80, false, 1, "private address")]));
        await run.RecordCommandAsync(Ran($"curl -H 'Authorization: Bearer {FakeSecret}' https://api.example.org", "agent", exitCode: 22));
        await run.RecordCommandAsync(Ran("sleep 999", "agent", exitCode: 137, limit: "timeout"));

        var body = await ApiCalls.ReadJsonAsync(await _server.Client.GetAsync($"/api/v1/tasks/{id}/commands"));

        body.GetProperty("taskId").GetString().ShouldBe(id);
        var commands = body.GetProperty("commands").EnumerateArray().ToList();
        commands.Select(c => c.GetProperty("seq").GetInt64()).ShouldBe([1L, 2L, 3L]);
        commands.Select(c => c.GetProperty("phase").GetString()).ShouldBe(["setup", "agent", "agent"]);
        commands[0].GetProperty("network").GetString().ShouldBe("on");
        commands[0].GetProperty("networkAllowed").GetInt32().ShouldBe(4);
        commands[0].GetProperty("hosts")[0].GetProperty("host").GetString().ShouldBe("registry.example.org");
        commands[0].GetProperty("durationMs").GetInt64().ShouldBe(1_500);
        commands[0].GetProperty("stdoutBytes").GetInt64().ShouldBe(10);
        commands[0].GetProperty("attempt").GetInt32().ShouldBe(1);
        commands[1].GetProperty("command").GetString()!.ShouldNotContain(FakeSecret);
        commands[1].GetProperty("command").GetString()!.ShouldContain(SecretRedactor.Mask);
        commands[1].GetProperty("failed").GetBoolean().ShouldBeTrue();
        commands[2].GetProperty("limit").GetString().ShouldBe("timeout");
        body.GetProperty("next").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        var totals = body.GetProperty("totals");
        totals.GetProperty("commands").GetInt32().ShouldBe(3);
        totals.GetProperty("failed").GetInt32().ShouldBe(2);
        totals.GetProperty("networkAllowed").GetInt64().ShouldBe(4);
        totals.GetProperty("networkDenied").GetInt64().ShouldBe(1);
        totals.GetProperty("hosts").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task GetCommands_PagedWithAfterAndLimit_WalksEveryCommandOnce()
    {
        var (id, run) = await ClaimedAsync();
        for (var i = 1; i <= 7; i++)
        {
            await run.RecordCommandAsync(Ran($"step {i}"));
        }

        var seen = new List<string>();
        string? after = "0";
        var pages = 0;
        while (after is not null)
        {
            var page = await ApiCalls.ReadJsonAsync(await _server.Client.GetAsync($"/api/v1/tasks/{id}/commands?after={after}&limit=3"));
            seen.AddRange(page.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("command").GetString()!));
            page.GetProperty("totals").GetProperty("commands").GetInt32().ShouldBe(7);
            after = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Number ? page.GetProperty("next").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            pages++;
        }

        seen.ShouldBe(Enumerable.Range(1, 7).Select(i => $"step {i}"));
        pages.ShouldBe(3);
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("after=abc")]
    [InlineData("after=99999999999999999999999")]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=1e3")]
    [InlineData("limit=%00")]
    public async Task GetCommands_MalformedPage_Is400NamingTheParameter(string query)
    {
        var (id, _) = await ClaimedAsync();

        using var response = await _server.Client.GetAsync($"/api/v1/tasks/{id}/commands?{query}");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetRawText().ShouldContain(query.Split('=')[0]);
    }

    [Fact]
    public async Task GetCommands_AnotherOrganisationsTask_Is404ExactlyLikeAMissingOne()
    {
        await _server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        var (theirs, run) = await ClaimedAsync("acme");
        await run.RecordCommandAsync(Ran("cat their-secrets"));
        var missing = TaskId.New(TimeProvider.System);

        using var other = await _server.Client.GetAsync($"/api/v1/tasks/{theirs}/commands");
        using var absent = await _server.Client.GetAsync($"/api/v1/tasks/{missing}/commands");
        using var malformed = await _server.Client.GetAsync("/api/v1/tasks/..%2F..%2Fetc/commands");

        var otherProblem = await ApiCalls.ShouldBeProblemAsync(other, HttpStatusCode.NotFound);
        var absentProblem = await ApiCalls.ShouldBeProblemAsync(absent, HttpStatusCode.NotFound);
        otherProblem.GetProperty("title").GetString().ShouldBe(absentProblem.GetProperty("title").GetString());
        static string Anonymous(string detail, string id) =>
            detail.Replace(id, "ID", StringComparison.Ordinal).Replace(TaskId.Short(id), "ID", StringComparison.Ordinal);
        Anonymous(otherProblem.GetProperty("detail").GetString()!, theirs).ShouldBe(Anonymous(absentProblem.GetProperty("detail").GetString()!, missing));
        (await other.Content.ReadAsStringAsync()).ShouldNotContain("their-secrets");
        malformed.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetCommands_WithoutAToken_Is401()
    {
        var (id, _) = await ClaimedAsync();
        using var anonymous = _server.CreateClient(null);

        using var response = await anonymous.GetAsync($"/api/v1/tasks/{id}/commands");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RecordCommand_RunStoppedForALostLease_ThrowsAndKeepsNothing()
    {
        var (id, run) = await ClaimedAsync();
        run.TryStop(StopReason.LeaseLost);

        await Should.ThrowAsync<LeaseLostException>(() => run.RecordCommandAsync(Ran("echo too late")));

        (await _server.Store.ListCommandsAsync(id, 0, 10)).Commands.ShouldBeEmpty();
    }
}
