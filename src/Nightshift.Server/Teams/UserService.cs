using Nightshift.Core.Teams;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>
/// The users of the caller's organisation. An organisation never loses its last active admin: demoting or disabling
/// them is refused (409), since nobody could then manage its users, tokens or secrets.
/// </summary>
internal sealed partial class UserService(INightshiftStore store, TeamChanges changes, ILogger<UserService> logger)
{
    // Two admins demoting each other at once on this server must not both pass the last-admin check.
    private readonly SemaphoreSlim _changes = new(1, 1);

    public async Task<TeamUser> CreateAsync(Caller caller, UserRequest request, CancellationToken cancellationToken = default)
    {
        var user = await store.CreateUserAsync(new NewTeamUser(caller.OrgId, request.Name, request.Role), cancellationToken);
        LogCreated(logger, user.Id, caller.OrgId, user.Role.Name(), caller.UserId);
        return user;
    }

    public Task<IReadOnlyList<TeamUser>> ListAsync(Caller caller, CancellationToken cancellationToken = default) =>
        store.ListUsersAsync(caller.OrgId, cancellationToken);

    public Task<TeamUser?> FindAsync(Caller caller, string userId, CancellationToken cancellationToken = default) =>
        store.FindUserAsync(caller.OrgId, userId, cancellationToken);

    /// <returns>the changed user, or null when the caller's organisation has no user by that id.</returns>
    /// <exception cref="TeamRequestException">the change would leave the organisation without an active admin (409).</exception>
    public async Task<TeamUser?> UpdateAsync(Caller caller, string userId, UserPatch patch, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await store.FindUserAsync(caller.OrgId, userId, cancellationToken) is not { } user)
            {
                return null;
            }
            var losesAdmin = IsActiveAdmin(user) && ((patch.Role is { } role && role != TeamRole.Admin) || patch.Disabled == true);
            if (losesAdmin)
            {
                var users = await store.ListUsersAsync(caller.OrgId, cancellationToken);
                if (!users.Any(u => u.Id != user.Id && IsActiveAdmin(u)))
                {
                    throw TeamRequestException.Conflict(
                        "the organisation would have no admin",
                        $"user {user.Id} is the last active admin of organisation '{caller.OrgId}', so it cannot be " +
                        (patch.Disabled == true ? "disabled" : "made " + patch.Role!.Value.Name()) +
                        "; make another user admin first (`nightshift user set ID --role admin`), then change this one");
                }
            }
            var updated = await store.UpdateUserAsync(caller.OrgId, userId, patch.Role, patch.Disabled, cancellationToken);
            if (updated is not null)
            {
                changes.OnUserChanged(caller.OrgId, updated.Id);
                LogUpdated(logger, updated.Id, caller.OrgId, updated.Role.Name(), updated.DisabledAt is not null, caller.UserId);
            }
            return updated;
        }
        finally
        {
            _changes.Release();
        }
    }

    private static bool IsActiveAdmin(TeamUser user) => user.Role == TeamRole.Admin && user.DisabledAt is null;

    [LoggerMessage(EventId = 3562, Level = LogLevel.Information, Message = "User {UserId} made in organisation {OrgId} as {Role} by {CallerId}")]
    private static partial void LogCreated(ILogger logger, string userId, string orgId, string role, string callerId);

    [LoggerMessage(EventId = 3563, Level = LogLevel.Information, Message = "User {UserId} of organisation {OrgId} changed: role {Role}, disabled {Disabled}, by {CallerId}")]
    private static partial void LogUpdated(ILogger logger, string userId, string orgId, string role, bool disabled, string callerId);
}
