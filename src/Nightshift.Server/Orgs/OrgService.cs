using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>
/// What the organisation routes do, with who may see what: the installation admin (an admin of <c>default</c>) sees and
/// changes every organisation; an organisation's own admin only its own. Any other organisation is answered exactly as
/// a missing one, so an id is never confirmed to exist.
/// </summary>
internal sealed partial class OrgService(INightshiftStore store, OrgBudgetGuard budgets, ILogger<OrgService> logger)
{
    /// <summary>The name of the first admin user made with an organisation.</summary>
    public const string FirstAdminName = "admin";

    private static readonly TaskState[] Stoppable = [TaskState.Queued, TaskState.Running, TaskState.AwaitingApproval, TaskState.AwaitingInput];

    /// <summary>True when <paramref name="caller"/> may see organisation <paramref name="orgId"/>.</summary>
    public static bool MaySee(Caller caller, string orgId) =>
        caller.IsInstallationAdmin || string.Equals(caller.OrgId, orgId, StringComparison.Ordinal);

    public async Task<IReadOnlyList<Organisation>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (caller.IsInstallationAdmin)
        {
            return await store.ListOrgsAsync(cancellationToken);
        }
        return await store.FindOrgAsync(caller.OrgId, cancellationToken) is { } own ? [own] : [];
    }

    /// <returns>the organisation, or null when there is none by that id or the caller may not see it.</returns>
    public async Task<Organisation?> GetAsync(Caller caller, string orgId, CancellationToken cancellationToken = default) =>
        OrgIds.IsValid(orgId) && MaySee(caller, orgId) ? await store.FindOrgAsync(orgId, cancellationToken) : null;

    /// <summary>Creates the organisation, its first admin user and that user's token (every scope).</summary>
    /// <returns>null when an organisation with that id exists.</returns>
    public async Task<(Organisation Org, TeamUser Admin, ApiTokenRecord Token, string TokenValue)?> CreateAsync(
        Caller caller, OrgCreateRequest request, CancellationToken cancellationToken = default)
    {
        if (await store.FindOrgAsync(request.Id, cancellationToken) is not null)
        {
            return null;
        }
        Organisation org;
        try
        {
            org = await store.CreateOrgAsync(new NewOrganisation(request.Id, request.Name, request.Quotas, request.AllowedRepos), cancellationToken);
        }
        catch (ConflictException)
        {
            // Another request made it between the look and the insert.
            return null;
        }
        var admin = await store.CreateUserAsync(new NewTeamUser(org.Id, FirstAdminName, TeamRole.Admin), cancellationToken);
        var value = ApiTokenAuthority.Generate();
        var token = await store.CreateTokenAsync(
            new NewApiToken(org.Id, admin.Id, "first admin token", Hint(value), SHA256.HashData(Encoding.UTF8.GetBytes(value)), [.. Scopes.All], null),
            cancellationToken);
        LogCreated(logger, org.Id, caller.UserId, admin.Id, token.Id);
        return (org, admin, token, value);
    }

    /// <returns>the changed organisation, or null when there is none by that id or the caller may not see it.</returns>
    public async Task<Organisation?> UpdateAsync(Caller caller, string orgId, OrgPatchRequest request, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(caller, orgId, cancellationToken) is not { } current)
        {
            return null;
        }
        var patch = new OrganisationPatch(request.Name, request.Quotas?.ApplyTo(current.Quotas), request.AllowedRepos);
        var updated = await store.UpdateOrgAsync(orgId, patch, cancellationToken);
        // This process's tasks see the new limits at their next model call; other workers within OrgBudgetCache.Lifetime.
        budgets.Forget(orgId);
        if (updated is not null)
        {
            LogUpdated(logger, orgId, caller.UserId);
        }
        return updated;
    }

    /// <summary>
    /// The kill switch: cancels every task of the organisation that has not ended. Waiting tasks end at once; running
    /// ones are asked to stop, as a cancel does, and end when their worker sees it.
    /// </summary>
    /// <returns>null when there is no organisation by that id or the caller may not see it.</returns>
    public async Task<OrgKillResponse?> KillAsync(Caller caller, string orgId, string reason, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(caller, orgId, cancellationToken) is null)
        {
            return null;
        }
        var ids = new List<string>();
        foreach (var state in Stoppable)
        {
            string? cursor = null;
            do
            {
                var page = await store.ListAsync(new TaskQuery(state, Cursor: cursor, Limit: TaskQuery.MaxLimit) { OrgId = orgId }, cancellationToken);
                ids.AddRange(page.Items.Where(t => t.OrgId == orgId).Select(t => t.Id));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        var said = $"stopped by the kill switch of organisation {orgId} ({caller.UserName}): {reason}";
        var cancelled = new List<string>();
        var stopping = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var task = await store.CancelAsync(id, said, cancellationToken);
                (task.Status == TaskState.Cancelled ? cancelled : stopping).Add(task.Id);
            }
            catch (Exception e) when (e is InvalidTransitionException or TaskNotFoundException)
            {
                // It ended (or went) between the listing and the cancel: nothing left to stop.
            }
        }
        LogKilled(logger, orgId, caller.UserId, cancelled.Count, stopping.Count);
        return new OrgKillResponse(orgId, reason, cancelled, stopping);
    }

    /// <summary>The token's first characters, so people can tell tokens apart without the token.</summary>
    private static string Hint(string token) => token[..Math.Min(7, token.Length)];

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Organisation {OrgId} created by {UserId}, with first admin {AdminId} and token {TokenId}")]
    private static partial void LogCreated(ILogger logger, string orgId, string userId, string adminId, string tokenId);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "Organisation {OrgId} changed by {UserId}")]
    private static partial void LogUpdated(ILogger logger, string orgId, string userId);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "Kill switch of organisation {OrgId} pulled by {UserId}: {Cancelled} waiting tasks cancelled, {Stopping} running tasks asked to stop")]
    private static partial void LogKilled(ILogger logger, string orgId, string userId, int cancelled, int stopping);
}
