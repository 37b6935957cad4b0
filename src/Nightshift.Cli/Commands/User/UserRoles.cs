namespace Nightshift.Cli.Commands.User;

internal static class UserRoles
{
    public static readonly string[] Names = ["admin", "member", "viewer"];

    /// <exception cref="UsageException">not one of <see cref="Names"/>.</exception>
    public static string Check(string? role)
    {
        var name = role?.Trim().ToLowerInvariant();
        return name is not null && Names.Contains(name)
            ? name
            : throw new UsageException($"--role '{Core.Text.SafeText.Clean(role, 40)}' is not a role; use one of: {string.Join(", ", Names)}");
    }
}
