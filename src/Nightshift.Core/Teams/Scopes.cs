namespace Nightshift.Core.Teams;

/// <summary>
/// What a token or a signed-in person may do. Every API route and dashboard action requires one scope
/// (<c>RequireScope</c> on the route); <see cref="Admin"/> includes every other scope.
/// </summary>
public static class Scopes
{
    /// <summary>Read tasks, their events, diffs, conversation and the live stream.</summary>
    public const string TasksRead = "tasks:read";

    /// <summary>Submit, cancel, retry tasks and answer their questions.</summary>
    public const string TasksWrite = "tasks:write";

    /// <summary>Approve or reject plans.</summary>
    public const string TasksApprove = "tasks:approve";

    /// <summary>Read usage and cost reports.</summary>
    public const string UsageRead = "usage:read";

    /// <summary>Create, change and remove outbound webhooks and notifications, and read their deliveries.</summary>
    public const string WebhooksManage = "webhooks:manage";

    /// <summary>Read and export the audit log.</summary>
    public const string AuditRead = "audit:read";

    /// <summary>Everything: tokens of others, users, organisation settings, quotas, secrets, the kill switch.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [TasksRead, TasksWrite, TasksApprove, UsageRead, WebhooksManage, AuditRead, Admin];

    public static bool IsKnown(string? scope) => scope is not null && All.Contains(scope, StringComparer.Ordinal);

    /// <summary>The scopes a role grants.</summary>
    public static IReadOnlySet<string> ForRole(TeamRole role) => role switch
    {
        TeamRole.Admin => new HashSet<string>(All, StringComparer.Ordinal),
        TeamRole.Member => new HashSet<string>([TasksRead, TasksWrite, TasksApprove, UsageRead], StringComparer.Ordinal),
        _ => new HashSet<string>([TasksRead, UsageRead], StringComparer.Ordinal),
    };

    /// <summary>True when <paramref name="granted"/> allows <paramref name="required"/> (<see cref="Admin"/> allows all).</summary>
    public static bool Allows(IReadOnlySet<string> granted, string required) =>
        granted.Contains(Admin) || granted.Contains(required);
}
