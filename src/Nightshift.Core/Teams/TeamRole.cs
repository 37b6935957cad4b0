namespace Nightshift.Core.Teams;

/// <summary>What a person may do in their organisation; each role is a set of <see cref="Scopes"/>.</summary>
public enum TeamRole
{
    /// <summary>Reads tasks, events and usage.</summary>
    Viewer,

    /// <summary>A viewer who also submits, cancels, retries, answers and approves tasks.</summary>
    Member,

    /// <summary>Everything, including tokens, users, secrets, webhooks, quotas and the audit log.</summary>
    Admin,
}

public static class TeamRoles
{
    /// <summary>The role's name in the API, the CLI and the store: <c>admin</c>, <c>member</c>, <c>viewer</c>.</summary>
    public static string Name(this TeamRole role) => role switch
    {
        TeamRole.Admin => "admin",
        TeamRole.Member => "member",
        _ => "viewer",
    };

    public static bool TryParse(string? text, out TeamRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "admin":
                role = TeamRole.Admin;
                return true;
            case "member":
                role = TeamRole.Member;
                return true;
            case "viewer":
                role = TeamRole.Viewer;
                return true;
            default:
                role = TeamRole.Viewer;
                return false;
        }
    }
}
