namespace Nightshift.Sandbox.Network;

/// <summary>The egress proxy's settings, bound from <c>Sandbox:Egress</c>.</summary>
public sealed class EgressOptions
{
    /// <summary>
    /// Private targets (loopback, RFC 1918, link-local…) a networked command may still reach through the proxy: addresses
    /// or CIDR blocks, each optionally with a port (<c>10.0.0.0/8</c>, <c>127.0.0.1:8080</c>, <c>[fd00::1]:443</c>).
    /// Empty by default: only the public internet.
    /// </summary>
    public string[] AllowPrivate { get; set; } = [];

    /// <summary>The largest request head (request line and headers) the proxy reads; a larger one gets 431.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>How long a client may take to send its request head (then 408), and a name to resolve (then 504).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the proxy tries to connect to a target before it answers 504.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A relayed connection with no traffic either way for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Connections one command may have open through the proxy at once; more are answered 503.</summary>
    public int MaxConnections { get; set; } = 128;

    /// <summary>
    /// Credentials the proxy adds to requests to their hosts, so commands never hold them (see
    /// <see cref="EgressCredentialOptions"/>). For https the proxy terminates TLS for those hosts only.
    /// </summary>
    public List<EgressCredentialOptions> Credentials { get; set; } = [];

    /// <summary>
    /// Where the installation's egress CA lives (its key, mode 0600, and its certificate); null: <c>&lt;data&gt;/egress-ca</c>.
    /// Jails trust its certificate; the key never enters one.
    /// </summary>
    public string? CaFolder { get; set; }

    /// <summary>
    /// A PEM file of extra roots the proxy trusts when it connects to an intercepted host itself (a company CA); the
    /// system's roots are always trusted.
    /// </summary>
    public string? UpstreamCaFile { get; set; }
}
