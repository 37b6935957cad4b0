using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Configuration;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Logging;

namespace Nightshift.Server.Tests.Audit;

/// <summary>What the audit middleware records for real requests, and how the log is read and exported.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private const string SecretInstruction = "Rotate the key sk-test-0000-do-not-log and fix the flaky test";
    private readonly CapturingLoggerProvider logs = new();
    private RunningServer server = null!;

    public async Task InitializeAsync() =>
        server = await RunningServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<AuditEntry> EntryAsync(string action, string? target)
    {
        AuditEntry? found = null;
        await TestKit.TestDefaults.WaitUntilAsync(async () =>
        {
            var page = await server.Store.ListAuditAsync(new AuditQuery("default", Action: action, Target: target));
            found = page.Entries.FirstOrDefault();
            return found is not null;
        }, $"the audit log has {action} on {target}");
        return found!;
    }

    [Fact]
    public async Task SubmitApproveCancel_AreRecorded_WithActorTargetAndOutcome_AndNoBody()
    {
        var task = await ApiCalls.SubmitAsync(server.Client, SecretInstruction);
        var id = task.GetProperty("id").GetString()!;
        using var approve = await server.Client.PostAsync($"/api/v1/tasks/{id}/approve", ApiCalls.Json("""{"plan":"sk-test-plan-secret"}"""));
        using var cancel = await server.Client.PostAsync($"/api/v1/tasks/{id}/cancel", ApiCalls.Json("""{"reason":"sk-test-reason-secret"}"""));

        var submitted = await EntryAsync("task.submit", id);
        var approved = await EntryAsync("task.approve", id);
        var cancelled = await EntryAsync("task.cancel", id);

        submitted.Outcome.ShouldBe(201);
        var firstAdmin = (await server.Store.ListUsersAsync("default")).Single(u => u.Name == "admin");
        submitted.ActorId.ShouldBe(firstAdmin.Id);
        submitted.ActorName.ShouldBe("admin");
        submitted.Address.ShouldBe("127.0.0.1");
        approved.Outcome.ShouldBe((int)approve.StatusCode);
        cancelled.Outcome.ShouldBe((int)cancel.StatusCode);
        using var detail = JsonDocument.Parse(cancelled.Detail!);
        detail.RootElement.GetProperty("route").GetString().ShouldBe("/api/v1/tasks/{id}/cancel");
        detail.RootElement.GetProperty("method").GetString().ShouldBe("POST");
        using var export = await server.Client.GetAsync("/api/v1/audit/export");
        var everything = await export.Content.ReadAsStringAsync();
        everything.ShouldNotContain("sk-test");
        everything.ShouldNotContain("Rotate the key");
    }

    [Fact]
    public async Task Reads_AreNotRecorded_AndRefusedBodiesAreRecordedWithTheirStatus()
    {
        using var read = await server.Client.GetAsync("/api/v1/tasks");
        using var bad = await server.Client.PostAsync("/api/v1/tokens", ApiCalls.Json("""{"name":"x","token":"ns_test_chosen"}"""));

        var refused = await EntryAsync("token.create", null);

        refused.Outcome.ShouldBe(400);
        refused.Target.ShouldBeNull();
        (await server.Store.ListAuditAsync(new AuditQuery("default"))).Entries.ShouldAllBe(e => e.Action != "http.get");
        (refused.Detail ?? "").ShouldNotContain("ns_test_chosen");
    }

    [Fact]
    public async Task Append_FailingInTheStore_IsLogged_AndTheRequestStillSucceeds()
    {
        await using (var connection = new SqliteConnection($"Data Source={NightshiftPaths.DefaultDatabase(server.DataDirectory)}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE audit_log RENAME TO audit_log_unavailable";
            await command.ExecuteNonQueryAsync();
        }

        using var response = await server.Client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/app", instruction = "Fix it" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        await TestKit.TestDefaults.WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("[3570]", StringComparison.Ordinal) && l.Contains("task.submit", StringComparison.Ordinal)),
            "the failed append is logged");
    }

    [Fact]
    public async Task List_FiltersAndPagesNewestFirst_AndExport_IsJsonLinesOldestFirst()
    {
        for (var i = 0; i < 1_005; i++)
        {
            await server.Store.AppendAuditAsync(new NewAuditEntry("default", "usr_seed", "seed", null, i % 2 == 0 ? "task.retry" : "task.cancel", "tsk_" + i, 200, "127.0.0.1", null));
        }

        using var first = await server.Client.GetAsync("/api/v1/audit?action=task.retry&limit=2");
        var page = await ApiCalls.ReadJsonAsync(first);
        var next = page.GetProperty("nextBefore").GetInt64();
        using var second = await server.Client.GetAsync($"/api/v1/audit?action=task.retry&limit=2&before={next}");
        var secondPage = await ApiCalls.ReadJsonAsync(second);
        using var export = await server.Client.GetAsync("/api/v1/audit/export");

        var numbers = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("number").GetInt64()).ToList();
        numbers.ShouldBe(numbers.OrderDescending().ToList());
        page.GetProperty("items").EnumerateArray().ShouldAllBe(e => e.GetProperty("action").GetString() == "task.retry");
        secondPage.GetProperty("items").EnumerateArray().First().GetProperty("number").GetInt64().ShouldBeLessThan(numbers[^1]);
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        export.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-ndjson");
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1_005);
        var exported = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("number").GetInt64()).ToList();
        exported.ShouldBe(exported.Order().ToList());
        exported.Distinct().Count().ShouldBe(1_005);
    }

    [Fact]
    public async Task List_InstallationAdmin_ReadsAnotherOrganisationOrEvery()
    {
        await server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        await server.Store.AppendAuditAsync(new NewAuditEntry("acme", "usr_acme", "acme person", null, "org.update", "acme", 200, null, null));

        using var own = await server.Client.GetAsync("/api/v1/audit?action=org.update");
        using var acme = await server.Client.GetAsync("/api/v1/audit?org=acme");
        using var every = await server.Client.GetAsync("/api/v1/audit?org=*&action=org.update");

        (await ApiCalls.ReadJsonAsync(own)).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await ApiCalls.ReadJsonAsync(acme)).GetProperty("items")[0].GetProperty("orgId").GetString().ShouldBe("acme");
        (await ApiCalls.ReadJsonAsync(every)).GetProperty("items").GetArrayLength().ShouldBe(1);
    }
}
