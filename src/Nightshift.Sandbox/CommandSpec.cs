namespace Nightshift.Sandbox;

/// <summary>
/// One command to run in the jail: an argv (<see cref="Exec"/>) or a bash script (<see cref="Shell"/>). The worktree is
/// mounted read-write at <see cref="SandboxPaths.Workspace"/> and the command starts in <see cref="WorkingDirectory"/>
/// inside it. Everything left unset takes its default from <see cref="SandboxOptions"/>.
/// </summary>
public sealed record CommandSpec
{
    public CommandSpec(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        Argv = argv;
    }

    /// <summary>The program and its arguments; the program is looked up on the jail's PATH.</summary>
    public IReadOnlyList<string> Argv { get; }

    /// <summary>The worktree on the host, mounted read-write at <see cref="SandboxPaths.Workspace"/>. Required.</summary>
    public string? WorktreePath { get; init; }

    /// <summary>A path relative to the worktree to start in; empty for its root.</summary>
    public string WorkingDirectory { get; init; } = "";

    /// <summary>Off: no network at all. On: the public internet through the egress proxy only (see <see cref="NetworkPolicy.On"/>).</summary>
    public NetworkPolicy Network { get; init; } = NetworkPolicy.Off;

    /// <summary>
    /// Called with every connection the egress proxy of a networked command allows or refuses, from a background
    /// thread; keep it quick.
    /// </summary>
    public Action<Network.NetworkDecision>? OnNetwork { get; init; }

    /// <summary>
    /// What a networked command may reach; null: the sandbox's default (public addresses, plus the private targets of
    /// Sandbox:Egress:AllowPrivate).
    /// </summary>
    public Network.IEgressPolicy? EgressPolicy { get; init; }

    /// <summary>
    /// Credentials the egress proxy adds to this networked command's requests to their hosts (see
    /// <see cref="Network.EgressCredential"/>); never visible inside the jail.
    /// </summary>
    public IReadOnlyList<Network.EgressCredential> EgressCredentials { get; init; } = [];

    /// <summary>Extra variables; only names allowed by <see cref="SandboxOptions.AllowedEnvironment"/> are accepted.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Wall-clock bound after which the whole process tree is killed.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many characters of each of stdout and stderr to keep (half from the head, half from the tail).</summary>
    public int? MaxOutputChars { get; init; }

    /// <summary>
    /// A per-repository folder on the host mounted read-write at <see cref="SandboxPaths.Cache"/>, where package managers'
    /// caches (npm, NuGet, pip, XDG) point, so dependencies persist across that repository's tasks. Null: a throwaway tmpfs.
    /// </summary>
    public string? CachePath { get; init; }

    /// <summary>Resource limits; null fields fall back to <see cref="SandboxOptions.DefaultLimits"/>.</summary>
    public SandboxLimits? Limits { get; init; }

    /// <summary>Called with each line as it arrives, from a background thread; keep it quick.</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Runs a program with arguments, without a shell.</summary>
    public static CommandSpec Exec(params string[] argv) => new(argv);

    /// <summary>Runs <paramref name="script"/> with <c>/bin/bash -c</c> inside the jail.</summary>
    public static CommandSpec Shell(string script) => new(["/bin/bash", "-c", script]);
}
