namespace Nightshift.Workspaces.Repositories;

/// <summary>How Nightshift reaches a repository.</summary>
public enum RepositoryKind
{
    /// <summary>An <c>https://</c> URL on an allowed host.</summary>
    Https,

    /// <summary>An <c>ssh://</c> or scp-like (<c>git@host:owner/repo.git</c>) address on an allowed host.</summary>
    Ssh,

    /// <summary>A plain <c>http://</c> URL; only with <c>Repositories:AllowInsecureHttp</c> (a forge on the local network).</summary>
    Http,

    /// <summary>A folder on this machine (working repository or bare) under an allowed root.</summary>
    LocalPath,
}
