namespace Nightshift.Server.Teams;

internal sealed record UserListResponse(IReadOnlyList<UserView> Items);
