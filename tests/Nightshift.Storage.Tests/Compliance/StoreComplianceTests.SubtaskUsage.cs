using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task ReportTaskUsage_CallsForSubtasksAndForTheTask_SumsEachSubtaskApartAndTheRestAsUnattributed()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.RecordUsageAsync(lease, new UsageRecord("anthropic", "claude", 900, 100, 0, 0.01m));
        await Store.RecordUsageAsync(lease, new UsageRecord("anthropic", "claude", 100, 20, 5, 0.0125m) { Subtask = "write-tests" });
        await Store.RecordUsageAsync(lease, new UsageRecord("anthropic", "claude", 200, 40, 10, 0.0025m) { Subtask = "write-tests" });
        await Store.RecordUsageAsync(lease, new UsageRecord("ollama", "llama", 50, 10, 0, null) { Subtask = "add-login" });

        var report = await Store.ReportTaskUsageAsync(task.Id);

        report.TaskId.ShouldBe(task.Id);
        report.Subtasks.Select(s => s.Subtask).ShouldBe(["add-login", "write-tests"]);
        report.For("write-tests").ShouldBe(new UsageTotals(300, 60, 15, 0.015m, 2, 0));
        report.For("add-login").ShouldBe(new UsageTotals(50, 10, 0, 0m, 1, 1));
        report.For("add-login")!.CostComplete.ShouldBeFalse();
        report.For("missing").ShouldBeNull();
        report.Unattributed.ShouldBe(new UsageTotals(900, 100, 0, 0.01m, 1, 0));
        report.Total.ShouldBe((await Store.FindAsync(task.Id))!.Usage);
    }

    [StoreFact]
    public async Task ReportTaskUsage_NoModelCallsYet_IsAllZero()
    {
        var task = await SubmitAsync();

        var report = await Store.ReportTaskUsageAsync(task.Id);

        report.Subtasks.ShouldBeEmpty();
        report.Unattributed.ShouldBe(UsageTotals.Zero);
        report.Total.ShouldBe(UsageTotals.Zero);
    }

    [StoreFact]
    public async Task ReportTaskUsage_UsageOfAnotherTask_IsNotCounted()
    {
        var first = await SubmitAsync(Ask(key: "first"));
        await SubmitAsync(Ask(key: "second"));
        var firstLease = await ClaimAsync();
        var secondLease = await ClaimAsync("host:2:0");
        firstLease.TaskId.ShouldBe(first.Id);
        await Store.RecordUsageAsync(firstLease, new UsageRecord("p", "m", 1, 1, 0, 0.001m) { Subtask = "a" });
        await Store.RecordUsageAsync(secondLease, new UsageRecord("p", "m", 500, 500, 0, 0.5m) { Subtask = "a" });

        var report = await Store.ReportTaskUsageAsync(first.Id);

        report.For("a").ShouldBe(new UsageTotals(1, 1, 0, 0.001m, 1, 0));
        report.Total.Calls.ShouldBe(1);
    }

    [StoreFact]
    public async Task ReportTaskUsage_UnknownOrMalformedTaskId_IsTaskNotFound()
    {
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReportTaskUsageAsync(TaskId.New(TimeProvider.System)));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReportTaskUsageAsync("../../etc/passwd"));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReportTaskUsageAsync("' OR 1=1 --"));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReportTaskUsageAsync(new string('a', 100_000)));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReportTaskUsageAsync(""));
    }

    [StoreFact]
    public async Task RecordUsage_MalformedSubtask_IsRefusedAndChangesNothing()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var before = await SnapshotAsync(task.Id);

        foreach (var subtask in new[] { "", " ", "Add-Login", "a--b", "-a", "a\n", "a\0b", "'; DROP TABLE usage; --", "../x", new string('a', 41), new string('a', 100_000), "ä" })
        {
            var error = await Should.ThrowAsync<ValidationException>(
                () => Store.RecordUsageAsync(lease, new UsageRecord("p", "m", 1, 1, 0, 0.001m) { Subtask = subtask }),
                $"subtask '{subtask[..Math.Min(20, subtask.Length)]}' should be refused");
            error.Message.ShouldContain("subtask");
        }

        await ShouldBeUnchangedAsync(before);
        (await Store.ReportTaskUsageAsync(task.Id)).Total.ShouldBe(UsageTotals.Zero);
    }

    [StoreFact]
    public async Task RecordUsage_LongestValidSubtaskId_IsStoredAsGiven()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var id = "a" + new string('0', 39);

        await Store.RecordUsageAsync(lease, new UsageRecord("p", "m", 3, 4, 0, 0.002m) { Subtask = id });

        (await Store.ReportTaskUsageAsync(task.Id)).Subtasks.ShouldHaveSingleItem().Subtask.ShouldBe(id);
    }

    [StoreFact]
    public async Task Migrate_UsageRowsFromBeforeSubtasks_KeepThemUnattributed()
    {
        var task = await SubmitAsync();
        // Back to the schema before migration 3, with a usage row written then; opening the store migrates again. The
        // migrations after 3 go too (the store applies only those above the highest recorded); 4 and 5 only add tables
        // if missing, so they run again harmlessly (so do 8's indexes and tables, 9's tables, 11's tables and indexes, and
        // 12's tables, rows and triggers, 13's and 14's tables), and the columns 6, 7, 8, 12 and 14 add are dropped with 3's
        // (12's indexes on them first). A new migration that adds a column must be undone here too.
        await RawScalarAsync("ALTER TABLE usage DROP COLUMN subtask");
        await RawScalarAsync("DROP INDEX ix_tasks_input_due");
        await RawScalarAsync("ALTER TABLE tasks DROP COLUMN input_due_at");
        await RawScalarAsync("DROP INDEX tasks_origin_key");
        await RawScalarAsync("DROP INDEX tasks_follow_up_of");
        await RawScalarAsync("DROP INDEX ix_tasks_queue_own");
        foreach (var column in new[] { "origin", "origin_key", "follow_up_of" })
        {
            await RawScalarAsync($"ALTER TABLE tasks DROP COLUMN {column}");
        }
        await RawScalarAsync("DROP INDEX webhook_deliveries_pending");
        foreach (var column in new[] { "trigger_json", "state", "attempts", "run_after", "lease_owner", "lease_token", "lease_until", "reason", "updated_at" })
        {
            await RawScalarAsync($"ALTER TABLE webhook_deliveries DROP COLUMN {column}");
        }
        foreach (var index in new[] { "ux_tasks_org_idempotency_key", "ix_tasks_org", "ix_tasks_org_running", "ix_outbound_endpoints_org" })
        {
            await RawScalarAsync($"DROP INDEX {index}");
        }
        await RawScalarAsync("ALTER TABLE tasks DROP COLUMN org_id");
        await RawScalarAsync("ALTER TABLE outbound_endpoints DROP COLUMN org_id");
        await RawScalarAsync("ALTER TABLE tasks DROP COLUMN run_step");
        await RawScalarAsync("DELETE FROM schema_migrations WHERE version >= 3");
        await RawScalarAsync(
            "INSERT INTO usage (task_id, time, attempt, provider, model, input_tokens, output_tokens, cached_tokens, cost_usd) " +
            $"VALUES ('{task.Id}', 0, 1, 'anthropic', 'claude', 70, 30, 0, NULL)");

        var reopened = await OpenAsync();

        Convert.ToInt64(await RawScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE version = 3"), CultureInfo.InvariantCulture).ShouldBe(1);
        var report = await reopened.ReportTaskUsageAsync(task.Id);
        report.Subtasks.ShouldBeEmpty();
        report.Unattributed.ShouldBe(new UsageTotals(70, 30, 0, 0m, 1, 1));
    }
}
