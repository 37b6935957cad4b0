using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>The quotas a <c>PATCH</c> names; the others stay as they are.</summary>
internal sealed record OrgQuotasChange(
    QuotaChange<int> MaxRunning,
    QuotaChange<int> MaxRunningPerRepo,
    QuotaChange<decimal> MaxCostPerTaskUsd,
    QuotaChange<decimal> MaxCostPerDayUsd,
    QuotaChange<decimal> MaxCostPerMonthUsd)
{
    public OrgQuotas ApplyTo(OrgQuotas current) => new(
        MaxRunning.Apply(current.MaxRunning),
        MaxRunningPerRepo.Apply(current.MaxRunningPerRepo),
        MaxCostPerTaskUsd.Apply(current.MaxCostPerTaskUsd),
        MaxCostPerDayUsd.Apply(current.MaxCostPerDayUsd),
        MaxCostPerMonthUsd.Apply(current.MaxCostPerMonthUsd));
}
