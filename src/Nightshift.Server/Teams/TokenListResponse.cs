namespace Nightshift.Server.Teams;

internal sealed record TokenListResponse(IReadOnlyList<TokenView> Items);
