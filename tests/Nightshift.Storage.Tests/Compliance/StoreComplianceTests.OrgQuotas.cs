using System.Collections.Concurrent;
using System.Globalization;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private async Task<long> RunningInOrgAsync(string orgId, string? repo = null)
    {
        var sql = $"SELECT COUNT(*) FROM tasks WHERE status = 'running' AND org_id = '{orgId}'" + (repo is null ? "" : $" AND repo = '{repo}'");
        return Convert.ToInt64(await RawScalarAsync(sql), CultureInfo.InvariantCulture);
    }

    [StoreFact]
    public async Task Claim_OrganisationAtItsQuota_LeavesItsTasksQueuedAndTakesOthers()
    {
        await OrgAsync("acme", new OrgQuotas(MaxRunning: 1));
        var first = await SubmitAsync(Ask("acme 1", priority: 10) with { OrgId = "acme" });
        var second = await SubmitAsync(Ask("acme 2", priority: 10) with { OrgId = "acme" });
        var free = await SubmitAsync(Ask("default's"));

        var a = await ClaimAsync("w:1");
        var b = await ClaimAsync("w:2");
        var none = await Store.TryClaimAsync(Claimer("w:3"));

        a.TaskId.ShouldBe(first.Id);
        b.TaskId.ShouldBe(free.Id, "the organisation at its quota is passed over, others are not");
        none.ShouldBeNull();
        var waiting = await Store.FindAsync(second.Id);
        waiting!.Status.ShouldBe(TaskState.Queued, "a task over quota waits; it does not fail");
        waiting.Attempts.ShouldBe(0);

        await Store.FinishAsync(a, TaskOutcome.Succeeded());
        (await ClaimAsync("w:3")).TaskId.ShouldBe(second.Id, "taken once a slot frees");
    }

    [StoreFact]
    public async Task Claim_OrganisationAtItsPerRepositoryQuota_TakesItsOtherRepositories()
    {
        await OrgAsync("acme", new OrgQuotas(MaxRunningPerRepo: 1));
        var app1 = await SubmitAsync(Ask("app 1", repo: "https://example.com/acme/app") with { OrgId = "acme" });
        var app2 = await SubmitAsync(Ask("app 2", repo: "https://example.com/acme/app") with { OrgId = "acme" });
        var lib = await SubmitAsync(Ask("lib", repo: "https://example.com/acme/lib") with { OrgId = "acme" });
        var theirs = await SubmitAsync(Ask("same repo, other org", repo: "https://example.com/acme/app") with { OrgId = "other" });

        var claimed = new[] { await ClaimAsync("w:1"), await ClaimAsync("w:2"), await ClaimAsync("w:3") };

        claimed.Select(l => l.TaskId).ShouldBe([app1.Id, lib.Id, theirs.Id]);
        (await Store.TryClaimAsync(Claimer("w:4"))).ShouldBeNull();
        (await Store.FindAsync(app2.Id))!.Status.ShouldBe(TaskState.Queued);
    }

    [StoreFact]
    public async Task Claim_QuotaRaisedOrRemoved_TakesTheWaitingTask()
    {
        await OrgAsync("acme", new OrgQuotas(MaxRunning: 0));
        var task = await SubmitAsync(Ask() with { OrgId = "acme" });

        (await Store.TryClaimAsync(Claimer())).ShouldBeNull("a quota of 0 runs nothing");
        await Store.UpdateOrgAsync("acme", new OrganisationPatch(Quotas: OrgQuotas.None));

        (await ClaimAsync()).TaskId.ShouldBe(task.Id);
    }

    [StoreFact]
    public async Task FinishAndClaim_OrganisationAtItsQuota_NeverHandsOverItsTask()
    {
        await OrgAsync("acme", new OrgQuotas(MaxRunning: 1));
        await SubmitAsync(Ask("acme running", priority: 10) with { OrgId = "acme" });
        var other = await SubmitAsync(Ask("default's", priority: 5));
        var waiting = await SubmitAsync(Ask("acme waiting", priority: 1) with { OrgId = "acme" });
        var running = await ClaimAsync("w:1");
        var lease = await ClaimAsync("w:2");
        lease.TaskId.ShouldBe(other.Id);

        var result = await ((IFinishAndClaim)Store).FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), Claimer("w:2"));

        result.Next.ShouldBeNull("acme is at its quota, so its task is not handed over");
        (await Store.FindAsync(waiting.Id))!.Status.ShouldBe(TaskState.Queued);
        (await RunningInOrgAsync("acme")).ShouldBe(1);
        var freed = await ((IFinishAndClaim)Store).FinishAndClaimAsync(running, TaskOutcome.Succeeded(), Claimer("w:1"));
        var next = freed.Next ?? await Store.TryClaimAsync(Claimer("w:1"));
        next.ShouldNotBeNull().TaskId.ShouldBe(waiting.Id, "once the slot frees, the next claim takes it");
    }

    [StoreFact]
    public async Task Claim_ConcurrentClaimersInTwoProcesses_NeverExceedTheOrganisationsQuota()
    {
        const int quota = 2;
        const int perRepoQuota = 1;
        await OrgAsync("acme", new OrgQuotas(MaxRunning: quota));
        await OrgAsync("split", new OrgQuotas(MaxRunningPerRepo: perRepoQuota));
        for (var i = 0; i < 12; i++)
        {
            await SubmitAsync(Ask($"acme {i}", priority: 10) with { OrgId = "acme" });
            await SubmitAsync(Ask($"split {i}", repo: $"https://example.com/split/r{i % 2}", priority: 10) with { OrgId = "split" });
        }
        for (var i = 0; i < 4; i++)
        {
            await SubmitAsync(Ask($"free {i}"));
        }
        var other = await OpenAsync();
        var chained = new[] { (IFinishAndClaim)Store, (IFinishAndClaim)other };
        var seen = new ConcurrentBag<(long Acme, long SplitRepo)>();
        async Task ObserveAsync() => seen.Add((
            await RunningInOrgAsync("acme"),
            Math.Max(await RunningInOrgAsync("split", "https://example.com/split/r0"), await RunningInOrgAsync("split", "https://example.com/split/r1"))));

        for (var round = 0; round < 6; round++)
        {
            var leases = new ConcurrentBag<Lease>();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claimers = Enumerable.Range(0, 6).Select(async worker =>
            {
                await start.Task;
                var store = worker % 2 == 0 ? Store : other;
                if (await store.TryClaimAsync(Claimer($"w:{round}:{worker}")) is { } lease)
                {
                    leases.Add(lease);
                }
            }).ToList();
            start.SetResult();
            await Task.WhenAll(claimers);

            await ObserveAsync();
            // Half the slots hand over through the chained finish-and-claim, racing each other too.
            var finishing = leases.Select(async (lease, i) =>
            {
                if (i % 2 == 0)
                {
                    var result = await chained[i / 2 % 2].FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), Claimer(lease.WorkerId + ":next"));
                    if (result.Next is { } next)
                    {
                        await ObserveAsync();
                        await Store.FinishAsync(next, TaskOutcome.Succeeded());
                    }
                }
                else
                {
                    await Store.FinishAsync(lease, TaskOutcome.Succeeded());
                }
            }).ToList();
            await Task.WhenAll(finishing);
        }

        seen.Max(s => s.Acme).ShouldBeLessThanOrEqualTo(quota);
        seen.Max(s => s.Acme).ShouldBe(quota, "the quota's slots were used");
        seen.Max(s => s.SplitRepo).ShouldBe(perRepoQuota);
    }
}
