namespace Nightshift.Sandbox;

/// <summary>Fixed paths inside the jail, so commands and prompts can name them.</summary>
public static class SandboxPaths
{
    /// <summary>Where the worktree is mounted read-write.</summary>
    public const string Workspace = "/workspace";

    /// <summary>Where the per-repository cache folder is mounted read-write.</summary>
    public const string Cache = "/cache";

    /// <summary>The jail's HOME: a private tmpfs, gone after each command.</summary>
    public const string Home = "/home/sandbox";

    /// <summary>The loopback port inside a networked jail where the egress proxy answers (what HTTP_PROXY names).</summary>
    public const int ProxyPort = 3128;

    /// <summary>The folder inside a networked jail that holds the egress proxy's Unix socket.</summary>
    public const string ProxyFolder = "/run/nightshift";

    /// <summary>The egress proxy's Unix socket inside a networked jail.</summary>
    public const string ProxySocket = ProxyFolder + "/egress.sock";

    /// <summary>
    /// The CA bundle inside a networked jail: the system's roots plus the installation's egress CA, which signs the
    /// certificates the proxy shows for the hosts it intercepts. SSL_CERT_FILE and its siblings name it.
    /// </summary>
    public const string CaBundle = "/etc/ssl/nightshift/ca-bundle.pem";
}
