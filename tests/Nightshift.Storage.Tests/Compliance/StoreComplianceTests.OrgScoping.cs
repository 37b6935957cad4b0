using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Core.Usage;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task Submit_WithoutAnOrganisation_BelongsToTheDefaultOne()
    {
        var task = await SubmitAsync();

        task.OrgId.ShouldBe(OrgIds.Default);
        (await Store.FindAsync(task.Id))!.OrgId.ShouldBe(OrgIds.Default);
        (await Store.FindInOrgAsync(OrgIds.Default, task.Id)).ShouldBe(task);
    }

    [StoreFact]
    public async Task FindInOrg_AnotherOrganisationsTask_IsAsAbsentAsAMissingOne()
    {
        var task = await SubmitAsync(Ask() with { OrgId = "acme" });

        (await Store.FindInOrgAsync("acme", task.Id)).ShouldBe(task);
        (await Store.FindInOrgAsync("other", task.Id)).ShouldBeNull();
        (await Store.FindInOrgAsync(OrgIds.Default, task.Id)).ShouldBeNull();
        (await Store.FindInOrgAsync("acme", "not-an-id")).ShouldBeNull();
        (await Store.FindInOrgAsync("acme' OR '1'='1", task.Id)).ShouldBeNull();
        (await Store.FindInOrgAsync("", task.Id)).ShouldBeNull();
    }

    [StoreFact]
    public async Task Submit_SameIdempotencyKeyInTwoOrganisations_MakesTwoTasksAndNeverAnswersWithTheOther()
    {
        foreach (var store in new[] { Store, await OpenAsync(new StoreOptions { GeneralPathOnly = true, RetryJitter = 0 }) })
        {
            var key = $"deploy-{store.GetHashCode()}";
            var a = await store.SubmitAsync(Ask("org a's") with { OrgId = "org-a", IdempotencyKey = key });
            var b = await store.SubmitAsync(Ask("org b's") with { OrgId = "org-b", IdempotencyKey = key });
            var aAgain = await store.SubmitAsync(Ask("org a's again") with { OrgId = "org-a", IdempotencyKey = key });
            var bAgain = await store.SubmitAsync(Ask("org b's again") with { OrgId = "org-b", IdempotencyKey = key });

            a.Created.ShouldBeTrue();
            b.Created.ShouldBeTrue("org B's key never matches org A's task");
            b.Task.Id.ShouldNotBe(a.Task.Id);
            b.Task.OrgId.ShouldBe("org-b");
            b.Task.Instruction.ShouldBe("org b's");
            aAgain.Created.ShouldBeFalse();
            aAgain.Task.ShouldBe(a.Task);
            bAgain.Created.ShouldBeFalse();
            bAgain.Task.Id.ShouldBe(b.Task.Id);
        }
    }

    [StoreFact]
    public async Task Submit_BadOrganisationId_IsRefusedNamingTheField()
    {
        foreach (var org in new[] { "", "ACME", "acme\n", "a'; --", new string('o', 41) })
        {
            (await Should.ThrowAsync<ValidationException>(() => Store.SubmitAsync(Ask() with { OrgId = org }))).Errors.Keys.ShouldContain("orgId");
        }
        (await Store.ListAsync(new TaskQuery())).Items.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task List_WithAnOrganisation_SeesOnlyItsTasksAndPagesWithinThem()
    {
        var mine = new List<TaskRecord>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add(await SubmitAsync(Ask($"mine {i}") with { OrgId = "acme" }));
            await SubmitAsync(Ask($"theirs {i}") with { OrgId = "other" });
        }
        var ownDefault = await SubmitAsync(Ask("default's"));

        var first = await Store.ListAsync(new TaskQuery(Limit: 2) { OrgId = "acme" });
        var second = await Store.ListAsync(new TaskQuery(Cursor: first.NextCursor, Limit: 2) { OrgId = "acme" });

        first.Items.Select(t => t.Id).ShouldBe([mine[2].Id, mine[1].Id]);
        second.Items.Select(t => t.Id).ShouldBe([mine[0].Id]);
        second.NextCursor.ShouldBeNull();
        (await Store.ListAsync(new TaskQuery { OrgId = OrgIds.Default })).Items.Select(t => t.Id).ShouldBe([ownDefault.Id]);
        (await Store.ListAsync(new TaskQuery { OrgId = "nobody" })).Items.ShouldBeEmpty();
        (await Store.ListAsync(new TaskQuery())).Items.Count.ShouldBe(7, "null is every organisation");
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAsync(new TaskQuery { OrgId = "' OR 1=1 --" }))).Errors.Keys.ShouldBe(["orgId"]);
    }

    [StoreFact]
    public async Task ReportUsage_WithAnOrganisation_CountsOnlyItsTasks()
    {
        var from = Clock.GetUtcNow();
        await SubmitAsync(Ask("acme's") with { OrgId = "acme", Repo = "https://example.com/acme/app" });
        var acmeLease = await ClaimAsync("w:1");
        await Store.RecordUsageAsync(acmeLease, new UsageRecord("openai", "gpt", 100, 10, 0, 0.25m));
        await Store.FinishAsync(acmeLease, TaskOutcome.Succeeded());
        await SubmitAsync(Ask("other's") with { OrgId = "other", Repo = "https://example.com/other/app" });
        var otherLease = await ClaimAsync("w:2");
        await Store.RecordUsageAsync(otherLease, new UsageRecord("openai", "gpt", 7, 3, 0, 4m));
        await Store.FinishAsync(otherLease, TaskOutcome.Failed("no"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var to = Clock.GetUtcNow();

        foreach (var grouping in new[] { UsageGrouping.Day, UsageGrouping.Model, UsageGrouping.Repo })
        {
            var acme = await Store.ReportUsageAsync(new UsageReportQuery(from, to, grouping) { OrgId = "acme" });
            var all = await Store.ReportUsageAsync(new UsageReportQuery(from, to, grouping));

            acme.Total.CostUsd.ShouldBe(0.25m);
            acme.Total.InputTokens.ShouldBe(100);
            acme.Total.TasksFinished.ShouldBe(1);
            acme.Total.TasksSucceeded.ShouldBe(1);
            all.Total.CostUsd.ShouldBe(4.25m);
            all.Total.TasksFinished.ShouldBe(2);
        }
        (await Store.ReportUsageAsync(new UsageReportQuery(from, to, UsageGrouping.Repo) { OrgId = "acme" })).Rows.Select(r => r.Key).ShouldBe(["https://example.com/acme/app"]);
        await Should.ThrowAsync<ValidationException>(() => Store.ReportUsageAsync(new UsageReportQuery(from, to, UsageGrouping.Day) { OrgId = "Bad Org" }));
    }

    [StoreFact]
    public async Task SumOrgCost_SinceATime_SumsOnlyTheOrganisationsCallsFromThen()
    {
        await SubmitAsync(Ask("acme's") with { OrgId = "acme" });
        var lease = await ClaimAsync();
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt", 1, 1, 0, 1.5m));
        Clock.Advance(TimeSpan.FromSeconds(10));
        var since = Clock.GetUtcNow();
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt", 1, 1, 0, 0.125m));
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt", 1, 1, 0, null));
        await SubmitAsync(Ask("other's") with { OrgId = "other" });
        var otherLease = await ClaimAsync("w:2");
        await Store.RecordUsageAsync(otherLease, new UsageRecord("openai", "gpt", 1, 1, 0, 100m));

        (await Store.SumOrgCostAsync("acme", since)).ShouldBe(0.125m);
        (await Store.SumOrgCostAsync("acme", since.AddSeconds(-10))).ShouldBe(1.625m, "the time is inclusive");
        (await Store.SumOrgCostAsync("other", since.AddDays(-1))).ShouldBe(100m);
        (await Store.SumOrgCostAsync("nobody", since.AddDays(-1))).ShouldBe(0m);
        (await Store.SumOrgCostAsync("' OR 1=1 --", since.AddDays(-1))).ShouldBe(0m);
    }

    [StoreFact]
    public async Task Endpoints_OfAnOrganisation_AreListedOnlyThere()
    {
        var mine = await Store.CreateEndpointAsync(Webhook() with { OrgId = "acme" });
        var theirs = await Store.CreateEndpointAsync(Email("ops@example.com") with { OrgId = "other" });
        var unscoped = await Store.CreateEndpointAsync(Webhook("https://hooks.example.com/default"));

        mine.OrgId.ShouldBe("acme");
        unscoped.OrgId.ShouldBe(OrgIds.Default);
        (await Store.GetEndpointAsync(mine.Id))!.OrgId.ShouldBe("acme");
        var listed = await Store.ListEndpointsAsync("acme");
        listed.Select(e => e.Id).ShouldBe([mine.Id]);
        listed[0].Secrets.Select(s => s.Id).ShouldBe(mine.Secrets.Select(s => s.Id), "with its secrets");
        (await Store.ListEndpointsAsync("other")).Select(e => e.Id).ShouldBe([theirs.Id]);
        (await Store.ListEndpointsAsync(OrgIds.Default)).Select(e => e.Id).ShouldBe([unscoped.Id]);
        (await Store.ListEndpointsAsync("nobody")).ShouldBeEmpty();
        (await Store.ListEndpointsAsync("' OR 1=1 --")).ShouldBeEmpty();
        (await Store.ListEndpointsAsync()).Count.ShouldBe(3);
        (await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook() with { OrgId = "Bad Org" }))).Errors.Keys.ShouldBe(["orgId"]);
    }
}
