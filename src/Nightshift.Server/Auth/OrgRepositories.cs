namespace Nightshift.Server.Auth;

/// <summary>
/// An organisation's allowed repositories: an entry matches a repository exactly, or, ending in <c>/*</c>, every repository
/// under that prefix (<c>https://github.com/acme/*</c> matches <c>https://github.com/acme/app</c>, not
/// <c>https://github.com/acme-evil/app</c>). An empty list allows any repository the server itself allows.
/// </summary>
public static class OrgRepositories
{
    public static bool Allows(IReadOnlyList<string> allowed, string repo)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (allowed.Count == 0)
        {
            return true;
        }
        return !string.IsNullOrEmpty(repo) && allowed.Any(entry => Matches(entry, repo));
    }

    /// <summary>True when <paramref name="entry"/> names <paramref name="repo"/> itself, or is a <c>prefix/*</c> it lies under.</summary>
    public static bool Matches(string entry, string repo)
    {
        if (string.IsNullOrEmpty(entry) || string.IsNullOrEmpty(repo))
        {
            return false;
        }
        if (entry.EndsWith("/*", StringComparison.Ordinal))
        {
            var prefix = entry[..^1];
            return prefix.Length > 1 && repo.Length > prefix.Length && repo.StartsWith(prefix, StringComparison.Ordinal)
                && !repo.AsSpan(prefix.Length).Contains("..", StringComparison.Ordinal);
        }
        return string.Equals(entry, repo, StringComparison.Ordinal);
    }

    /// <summary>The list for an error message, shortened.</summary>
    internal static string Describe(IReadOnlyList<string> allowed) =>
        allowed.Count <= 5 ? string.Join(", ", allowed) : string.Join(", ", allowed.Take(5)) + $" and {allowed.Count - 5} more";
}
