using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>An organisation's limits as the API shows them; null is no limit.</summary>
internal sealed record OrgQuotasView(
    int? MaxRunning,
    int? MaxRunningPerRepo,
    decimal? MaxCostPerTaskUsd,
    decimal? MaxCostPerDayUsd,
    decimal? MaxCostPerMonthUsd)
{
    public static OrgQuotasView From(OrgQuotas quotas) => new(
        quotas.MaxRunning, quotas.MaxRunningPerRepo, quotas.MaxCostPerTaskUsd, quotas.MaxCostPerDayUsd, quotas.MaxCostPerMonthUsd);
}
