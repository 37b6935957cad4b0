using System.Text.RegularExpressions;
using Nightshift.Core.Forges;

namespace Nightshift.Forges.Configuration;

/// <summary>
/// What an entry of the Forges section means when a setting is left out: the kind from the entry's name or host, the
/// host from the kind (github → github.com), the API's address from the kind and host. The validator and the
/// resolver both read entries through here, so what is checked is what is used.
/// </summary>
internal static partial class ForgeDefaults
{
    public const string GitHubHost = "github.com";
    public const string GitLabHost = "gitlab.com";
    public static readonly Uri GitHubApi = new("https://api.github.com/");

    /// <returns>the kind, or null with <paramref name="problem"/> saying what to set.</returns>
    public static ForgeKind? Kind(string name, ForgeSettings settings, out string? problem)
    {
        problem = null;
        var named = settings.Kind ?? name;
        switch (named.Trim().ToLowerInvariant())
        {
            case "github":
                return ForgeKind.GitHub;
            case "gitlab":
                return ForgeKind.GitLab;
            case "gitea" or "forgejo":
                return ForgeKind.Gitea;
        }
        if (settings.Kind is not null)
        {
            problem = $"is '{Shown(settings.Kind)}'; give github, gitlab or gitea (gitea also for forgejo)";
            return null;
        }
        switch (NormalizedHost(settings.Host))
        {
            case GitHubHost:
                return ForgeKind.GitHub;
            case GitLabHost:
                return ForgeKind.GitLab;
        }
        problem = "is not set and the entry's name does not say it; give github, gitlab or gitea (gitea also for forgejo)";
        return null;
    }

    /// <returns>the host as repository addresses name it (lower case, :port kept), or null when it must be set.</returns>
    public static string? Host(ForgeKind kind, ForgeSettings settings) =>
        NormalizedHost(settings.Host) ?? kind switch
        {
            ForgeKind.GitHub => GitHubHost,
            ForgeKind.GitLab => GitLabHost,
            _ => null,
        };

    /// <returns>the API base (ending in '/'), or null when <see cref="ForgeSettings.ApiUrl"/> is not an http(s) address.</returns>
    public static Uri? ApiUrl(ForgeKind kind, string host, ForgeSettings settings)
    {
        if (settings.ApiUrl is { } configured)
        {
            if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                return null;
            }
            return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        }
        return kind switch
        {
            ForgeKind.GitHub when host == GitHubHost => GitHubApi,
            ForgeKind.GitHub => new Uri($"https://{host}/api/v3/"),
            ForgeKind.GitLab => new Uri($"https://{host}/api/v4/"),
            _ => new Uri($"https://{host}/api/v1/"),
        };
    }

    public static bool IsValidHost(string host) => host.Length <= 260 && HostPattern().IsMatch(host);

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public static string? NormalizedHost(string? host) =>
        string.IsNullOrWhiteSpace(host) ? null : host.Trim().TrimEnd('/').ToLowerInvariant();

    /// <summary>A configured value shown in a message: one line, bounded.</summary>
    public static string Shown(string value)
    {
        var clean = new string(value.Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 100 ? clean + "…" : clean;
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();
}
