using System.Collections.Concurrent;
using Nightshift.Agent.Budgets;
using Nightshift.Core.Tasks;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>
/// The organisation's cost limits, checked before every model call of a task: the task's own spend over all its
/// attempts (read from the store each time, so a resumed task counts what it spent before), and the organisation's
/// spend today and this month (UTC), read at most every <see cref="OrgBudgetCache.Lifetime"/> (2 s) per organisation,
/// since every running task of the organisation asks. An organisation without cost limits costs one cached lookup per call.
/// </summary>
internal sealed class OrgBudgetGuard(INightshiftStore store, TimeProvider time, OrgBudgetCache cache) : IModelCallBudget
{
    private readonly ConcurrentDictionary<string, Snapshot> _snapshots = new(StringComparer.Ordinal);

    public async ValueTask<BudgetExhaustion?> CheckAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var snapshot = await SnapshotAsync(task.OrgId, cancellationToken);
        var quotas = snapshot.Quotas;
        if (quotas.MaxCostPerTaskUsd is { } perTask)
        {
            var spent = (await store.ReportTaskUsageAsync(task.Id, cancellationToken)).Total.CostUsd;
            if (spent >= perTask)
            {
                return new BudgetExhaustion(BudgetKind.Task, perTask, spent);
            }
        }
        if (quotas.MaxCostPerDayUsd is { } perDay && snapshot.SpentToday >= perDay)
        {
            return new BudgetExhaustion(BudgetKind.Day, perDay, snapshot.SpentToday);
        }
        if (quotas.MaxCostPerMonthUsd is { } perMonth && snapshot.SpentThisMonth >= perMonth)
        {
            return new BudgetExhaustion(BudgetKind.Month, perMonth, snapshot.SpentThisMonth);
        }
        return null;
    }

    /// <summary>Drops what is cached for <paramref name="orgId"/>, after its limits changed.</summary>
    public void Forget(string orgId) => _snapshots.TryRemove(orgId, out _);

    private async Task<Snapshot> SnapshotAsync(string orgId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        if (_snapshots.TryGetValue(orgId, out var cached) && now - cached.At < cache.Lifetime && now >= cached.At && cached.Day == today)
        {
            return cached;
        }
        var org = await store.FindOrgAsync(orgId, cancellationToken);
        var quotas = org?.Quotas ?? OrgQuotas.None;
        var month = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var spentToday = quotas.MaxCostPerDayUsd is null ? 0m : await store.SumOrgCostAsync(orgId, today, cancellationToken);
        var spentThisMonth = quotas.MaxCostPerMonthUsd is null ? 0m : await store.SumOrgCostAsync(orgId, month, cancellationToken);
        var fresh = new Snapshot(now, today, quotas, spentToday, spentThisMonth);
        _snapshots[orgId] = fresh;
        return fresh;
    }

    private sealed record Snapshot(DateTimeOffset At, DateTimeOffset Day, OrgQuotas Quotas, decimal SpentToday, decimal SpentThisMonth);
}
