namespace Nightshift.Server.Orgs;

/// <summary>How long <see cref="OrgBudgetGuard"/> keeps an organisation's limits and spend before reading them again.</summary>
internal sealed record OrgBudgetCache(TimeSpan Lifetime)
{
    /// <summary>Two seconds: a model call takes longer, so this saves most reads and lets little overspend through.</summary>
    public static OrgBudgetCache Default { get; } = new(TimeSpan.FromSeconds(2));
}
