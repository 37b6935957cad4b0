namespace Nightshift.Storage.Teams;

/// <summary>A tenant: its tasks, events, usage, webhooks, secrets, users and tokens are seen only by its own callers.</summary>
/// <param name="Id">slug (<see cref="Core.Teams.OrgIds"/>); <c>default</c> always exists.</param>
/// <param name="AllowedRepos">repositories its tasks may use: exact repository strings as tasks name them, or a prefix ending in <c>/*</c>
/// (<c>https://github.com/acme/*</c>); empty means any repository the server itself allows.</param>
public sealed record Organisation(
    string Id,
    string Name,
    OrgQuotas Quotas,
    IReadOnlyList<string> AllowedRepos,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const int MaxNameLength = 100;
    public const int MaxAllowedRepos = 200;
}

/// <summary>Limits the engine enforces for one organisation; null means no limit of that kind.</summary>
/// <param name="MaxRunning">tasks of the organisation running at once across the fleet (enforced in the queue's claim).</param>
/// <param name="MaxRunningPerRepo">tasks of the organisation on one repository running at once (enforced in the claim).</param>
/// <param name="MaxCostPerTaskUsd">a task stops at its next model call once it has spent this much.</param>
/// <param name="MaxCostPerDayUsd">the organisation's spend since 00:00 UTC; checked before every model call.</param>
/// <param name="MaxCostPerMonthUsd">the organisation's spend since the first of the month, 00:00 UTC; checked before every model call.</param>
public sealed record OrgQuotas(
    int? MaxRunning = null,
    int? MaxRunningPerRepo = null,
    decimal? MaxCostPerTaskUsd = null,
    decimal? MaxCostPerDayUsd = null,
    decimal? MaxCostPerMonthUsd = null)
{
    public static OrgQuotas None { get; } = new();
}

public sealed record NewOrganisation(string Id, string Name, OrgQuotas? Quotas = null, IReadOnlyList<string>? AllowedRepos = null);

/// <summary>A change to an organisation; null fields stay as they are.</summary>
public sealed record OrganisationPatch(string? Name = null, OrgQuotas? Quotas = null, IReadOnlyList<string>? AllowedRepos = null);
