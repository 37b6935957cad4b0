namespace Nightshift.Sandbox;

/// <summary>
/// An entry of Sandbox:Network:Repositories: the ceiling for the repositories <see cref="Repo"/> names, narrower than
/// the installation's and the organisation's.
/// </summary>
public sealed class RepositoryNetworkLevel : NetworkLevel
{
    /// <summary>The longest <see cref="Repo"/> read.</summary>
    public const int MaxRepoChars = 2000;

    /// <summary>
    /// The repository as tasks name it (<c>https://git.example.org/team/app</c>), or every repository below a path
    /// (<c>https://git.example.org/team/*</c>). Compared without case, a trailing <c>/</c> or <c>.git</c>.
    /// </summary>
    public string Repo { get; set; } = "";

    /// <summary>True when this entry applies to <paramref name="repo"/>.</summary>
    public bool Matches(string repo)
    {
        var wanted = Canonical(Repo);
        var candidate = Canonical(repo);
        if (wanted.EndsWith("/*", StringComparison.Ordinal))
        {
            var prefix = wanted[..^1];
            return candidate.Length > prefix.Length && candidate.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
        }
        return wanted.Length > 0 && string.Equals(wanted, candidate, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for a pattern (ending in <c>/*</c>) rather than one repository.</summary>
    public bool IsPattern => Canonical(Repo).EndsWith("/*", StringComparison.Ordinal);

    /// <summary>Why <see cref="Repo"/> cannot be used, or null when it can.</summary>
    public string? WhyInvalid()
    {
        var value = Repo?.Trim() ?? "";
        if (value.Length is 0 or > MaxRepoChars)
        {
            return $"is empty or longer than {MaxRepoChars} characters; write the repository as tasks name it, like https://git.example.org/team/app, or https://git.example.org/team/* for every repository below it";
        }
        var star = value.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && (star != value.Length - 1 || !value.EndsWith("/*", StringComparison.Ordinal) || value.Length < 3))
        {
            return "has a '*' that is not a final '/*'; write https://git.example.org/team/* for every repository below a path";
        }
        return value.Any(char.IsControl) ? "holds a control character" : null;
    }

    private static string Canonical(string? repo)
    {
        var value = repo?.Trim() ?? "";
        while (value.EndsWith('/') && value.Length > 1)
        {
            value = value[..^1];
        }
        return value.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? value[..^4] : value;
    }
}
