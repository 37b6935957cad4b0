namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The environment a jailed command sees: a fixed base plus what the spec adds from the allow-list. Nothing is taken
/// from the worker's own environment, which holds model keys and forge tokens.
/// </summary>
internal static class JailEnvironment
{
    public const string Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Fragments of names that hold secrets by convention; refused even when an allow-list pattern would match.
    private static readonly string[] SecretFragments = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "SESSION_KEY"];

    /// <summary>Cache folders under <see cref="SandboxPaths.Cache"/>, and where in HOME each is linked from.</summary>
    public static IReadOnlyList<(string Folder, string? HomeLink)> CacheFolders { get; } =
    [
        ("npm", ".npm"), ("nuget", ".nuget"), ("xdg", ".cache"), ("pip", null), ("dotnet", null), ("go", null), ("cargo", null), ("yarn", null),
    ];

    public static Dictionary<string, string> Base(string home, string cache) => new(StringComparer.Ordinal)
    {
        ["PATH"] = Path,
        ["HOME"] = home,
        ["USER"] = "sandbox",
        ["LOGNAME"] = "sandbox",
        ["SHELL"] = "/bin/bash",
        ["LANG"] = "C.UTF-8",
        ["TERM"] = "dumb",
        ["CI"] = "true",
        ["TMPDIR"] = "/tmp",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_HOME"] = cache + "/dotnet",
        ["NUGET_PACKAGES"] = cache + "/nuget/packages",
        ["npm_config_cache"] = cache + "/npm",
        ["npm_config_update_notifier"] = "false",
        ["XDG_CACHE_HOME"] = cache + "/xdg",
        ["PIP_CACHE_DIR"] = cache + "/pip",
        ["GOCACHE"] = cache + "/go/build",
        ["GOMODCACHE"] = cache + "/go/mod",
        ["CARGO_HOME"] = cache + "/cargo",
        ["YARN_CACHE_FOLDER"] = cache + "/yarn",
    };

    /// <summary>
    /// What a networked command is given so its tools find the egress proxy (the only way out of its jail); both
    /// spellings, since tools differ in which they read. Loopback inside the jail stays direct.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Proxy { get; } = ProxyVariables();

    private static Dictionary<string, string> ProxyVariables()
    {
        var url = "http://127.0.0.1:" + SandboxPaths.ProxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY" })
        {
            variables[name] = url;
            variables[name.ToLowerInvariant()] = url;
        }
        variables["NO_PROXY"] = variables["no_proxy"] = "localhost,127.0.0.1";
        return variables;
    }

    /// <summary>
    /// What a networked command is given so its tools trust the egress proxy's certificates for intercepted hosts
    /// (OpenSSL, curl, git, Node, Python's requests and pip): the jail's CA bundle.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CaBundle { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SSL_CERT_FILE"] = SandboxPaths.CaBundle,
        ["NODE_EXTRA_CA_CERTS"] = SandboxPaths.CaBundle,
        ["REQUESTS_CA_BUNDLE"] = SandboxPaths.CaBundle,
        ["PIP_CERT"] = SandboxPaths.CaBundle,
        ["CURL_CA_BUNDLE"] = SandboxPaths.CaBundle,
        ["GIT_SSL_CAINFO"] = SandboxPaths.CaBundle,
    };

    /// <summary>Why <paramref name="name"/> may not be passed in, or null when it may.</summary>
    public static string? WhyRefused(string name, IReadOnlyList<string> allowed)
    {
        if (name.Length is 0 or > 128 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return "is not a valid variable name (letters, digits and _, not starting with a digit, at most 128)";
        }
        if (Base("/", "/").ContainsKey(name) || Proxy.ContainsKey(name) || CaBundle.ContainsKey(name))
        {
            return "is set by the sandbox itself and cannot be replaced";
        }
        var upper = name.ToUpperInvariant();
        if (SecretFragments.Any(f => upper.Contains(f, StringComparison.Ordinal)))
        {
            return "looks like a secret; secrets never enter the sandbox";
        }
        var matched = allowed.Any(pattern => pattern.EndsWith('*')
            ? name.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : name == pattern);
        return matched ? null : "is not in Sandbox:AllowedEnvironment; add it there if commands need it";
    }
}
