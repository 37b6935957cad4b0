namespace Nightshift.Server.Teams;

/// <summary>A refusal of a token or user request that is not about a field: 403, 404 or 409, with words a person can act on.</summary>
internal sealed class TeamRequestException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public static TeamRequestException NotFound(string detail) => new(StatusCodes.Status404NotFound, "not found", detail);

    public static TeamRequestException Forbidden(string scope, string what) =>
        new(StatusCodes.Status403Forbidden, "Not allowed", $"{what} needs the scope '{scope}', which your token or session does not have");

    public static TeamRequestException Conflict(string title, string detail) => new(StatusCodes.Status409Conflict, title, detail);
}
