namespace Nightshift.Workspaces.Repositories;

/// <summary>Which repositories tasks may use (configuration section <c>Repositories</c>).</summary>
public sealed class RepositoryOptions
{
    public const string SectionName = "Repositories";

    /// <summary>The hosts used when <see cref="AllowedHosts"/> is not configured.</summary>
    public static IReadOnlyList<string> DefaultAllowedHosts { get; } = ["github.com", "gitlab.com", "bitbucket.org"];

    /// <summary>
    /// Hosts remote URLs may name; <c>*.example.com</c> allows sub-domains. Null means <see cref="DefaultAllowedHosts"/>
    /// (kept null by default because the configuration binder appends to a pre-filled list instead of replacing it).
    /// </summary>
    public IList<string>? AllowedHosts { get; set; }

    /// <summary>Folders under which local repositories may be used. None by default; the CLI adds the path it is given.</summary>
    public IList<string> AllowedRoots { get; set; } = [];

    /// <summary>Allow remote hosts that are loopback, private, link-local or unique-local addresses (a forge on the local network).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Allow plain <c>http://</c> URLs (a forge on the local network); credentials then travel unencrypted.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Longest repository string accepted.</summary>
    public int MaxLength { get; set; } = 2048;

    internal IReadOnlyList<string> EffectiveAllowedHosts => AllowedHosts is null ? DefaultAllowedHosts : [.. AllowedHosts];
}
