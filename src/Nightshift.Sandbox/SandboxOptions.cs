namespace Nightshift.Sandbox;

/// <summary>Settings of the jail, bound from the configuration section <c>Sandbox</c>.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>The environment variable that, set to 1, turns on <see cref="AllowUnsandboxed"/>.</summary>
    public const string UnsafeNoSandboxVariable = "NIGHTSHIFT_UNSAFE_NO_SANDBOX";

    /// <summary>The bubblewrap program: a path, or a name looked up on PATH.</summary>
    public string BwrapPath { get; set; } = "bwrap";

    /// <summary>
    /// DEVELOPMENT ONLY, UNSAFE: run commands directly on the host with no jail at all. Every such command logs a
    /// warning and its result says <c>Sandboxed = false</c>. Never turn this on where a repository or model is untrusted.
    /// </summary>
    public bool AllowUnsandboxed { get; set; }

    /// <summary>Limits for commands whose spec leaves them unset; a null field means no limit.</summary>
    // A copy: the configuration binder sets properties on the object it finds, and must never change the shared default.
    public SandboxLimits DefaultLimits { get; set; } = SandboxLimits.Default with { };

    /// <summary>
    /// The most a repository's <c>.nightshift.yml</c> <c>limits:</c> may ask for, per command and per task; unset fields
    /// keep the defaults above as the maxima (see <see cref="SandboxMaxLimits"/>).
    /// </summary>
    public SandboxMaxLimits MaxLimits { get; set; } = new();

    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest timeout a spec may ask for.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Characters kept of each of stdout and stderr when a spec does not say.</summary>
    public int DefaultMaxOutputChars { get; set; } = 256 * 1024;

    /// <summary>Longest piece of a line handed to <see cref="CommandSpec.OnOutput"/>; longer lines arrive split.</summary>
    public int MaxLineChars { get; set; } = 8 * 1024;

    /// <summary>
    /// Extra host folders made visible read-only at the same path, for toolchains outside /usr (for example /opt).
    /// /usr (with dotnet, node, python3, git, make) is always visible.
    /// </summary>
    public string[]? ToolchainPaths { get; set; }

    /// <summary>
    /// Entries of the host's /etc made visible read-only. Null: <see cref="DefaultEtcEntries"/>. passwd, group, hosts,
    /// hostname and nsswitch.conf are always the jail's own, never the host's.
    /// </summary>
    public string[]? EtcEntries { get; set; }

    /// <summary>
    /// Names (or prefixes ending in <c>*</c>) a spec may add to the environment. Null: <see cref="DefaultAllowedEnvironment"/>.
    /// Names that look like secrets are refused whatever this says.
    /// </summary>
    public string[]? AllowedEnvironment { get; set; }

    /// <summary>
    /// Where the launchers' argument files are written; null: a folder under the Nightshift data folder. (The jail's own
    /// /etc files go to a private temporary folder, so that no mount inside the jail names this one.)
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Use cgroups (where writable) for the memory and process limits and to sweep leftover processes.</summary>
    public bool UseCgroups { get; set; } = true;

    /// <summary>
    /// Refuse to run any command unless cgroups enforce both the memory and the process limit of every jail (without
    /// them only per-process rlimits hold, which a worker running as root does not even bind for processes).
    /// </summary>
    public bool RequireCgroupLimits { get; set; }

    /// <summary>The most network each phase of a task may have; a repository's .nightshift.yml can only narrow it.</summary>
    public NetworkCeilings Network { get; set; } = new();

    /// <summary>The egress proxy that is a networked command's only way out.</summary>
    public Network.EgressOptions Egress { get; set; } = new();

    /// <summary>
    /// Keep the next command's launcher (a bash on the host, already inside its cgroups) started ahead of need, which
    /// takes a process start and a cgroup join (an RCU grace period) off every command's path. Off: each command
    /// starts its own launcher, the slower path kept for comparison.
    /// </summary>
    public bool PrewarmLaunchers { get; set; } = true;

    /// <summary>
    /// How many jails may be kept set up ahead of need (0 turns it off). After a command, a jail of the same shape
    /// (worktree, cache, network policy, tmpfs size) is set up for the next one: namespaces and mounts made, a shell
    /// waiting inside. The next command in that worktree only hands it its directory, limits, environment and argv,
    /// which takes setting up the jail (most of a jailed start) off its path. Each is still used once. One unused for
    /// two minutes, or whose worktree is gone, is ended.
    /// </summary>
    public int ReadyJails { get; set; } = 4;

    /// <summary>
    /// Entries of /etc that carry no host secrets and that toolchains need (TLS roots, alternatives, the loader cache).
    /// Only the public half of /etc/ssl: a worker running as root owns /etc/ssl/private, and inside the jail its user
    /// maps to that owner, so the host's TLS keys would be readable.
    /// </summary>
    public static IReadOnlyList<string> DefaultEtcEntries { get; } =
    [
        "alternatives", "ca-certificates", "ca-certificates.conf", "ssl/certs", "ssl/openssl.cnf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
        "localtime", "timezone", "resolv.conf", "host.conf", "gai.conf", "protocols", "services", "networks", "mime.types",
        "os-release", "debian_version", "lsb-release", "inputrc", "bash.bashrc", "profile", "java-17-openjdk",
    ];

    /// <summary>Variables a spec may set when <see cref="AllowedEnvironment"/> is not configured.</summary>
    public static IReadOnlyList<string> DefaultAllowedEnvironment { get; } =
    [
        "NODE_ENV", "NODE_OPTIONS", "DOTNET_*", "ASPNETCORE_ENVIRONMENT", "PYTHON*", "PIP_*", "npm_config_*", "GOFLAGS",
        "CGO_ENABLED", "RUST_BACKTRACE", "CARGO_TERM_COLOR", "JAVA_OPTS", "MAVEN_OPTS", "GRADLE_OPTS", "TZ", "LC_*",
        "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "NIGHTSHIFT_*", "FORCE_COLOR",
        "NO_COLOR", "DEBIAN_FRONTEND",
    ];
}
