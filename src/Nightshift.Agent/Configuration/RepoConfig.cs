namespace Nightshift.Agent.Configuration;

/// <summary>A repository's <c>.nightshift.yml</c>: how to set it up, test, build and lint it, and its network policy.</summary>
public sealed record RepoConfig
{
    public static RepoConfig Empty { get; } = new();

    public IReadOnlyList<string> Setup { get; init; } = [];

    public IReadOnlyList<string> Test { get; init; } = [];

    /// <summary>The file says <c>test: none</c>: the repository has no tests on purpose, so none are looked for and an untested change may still succeed.</summary>
    public bool TestNone { get; init; }

    public IReadOnlyList<string> Build { get; init; } = [];

    public IReadOnlyList<string> Lint { get; init; } = [];

    /// <summary>
    /// The network the repository asks for per phase (off, setup or on, or a map of setup/agent/verify to on/off);
    /// never more than the operator's ceiling (Sandbox:Network).
    /// </summary>
    public RepoNetwork Network { get; init; } = RepoNetwork.Unstated;

    /// <summary>
    /// The lock files and manifests (paths from the root) whose content keys the setup cache; null: the well-known lock
    /// files found at the root; empty (<c>cache: none</c>): setup is never cached.
    /// </summary>
    public IReadOnlyList<string>? Cache { get; init; }

    /// <summary>
    /// The resource limits the repository asks for per command (per phase) and per task; never more than the operator's
    /// maxima (Sandbox:MaxLimits).
    /// </summary>
    public RepoLimits Limits { get; init; } = RepoLimits.Unstated;

    public string? BranchPrefix { get; init; }

    public bool? RequirePlanApproval { get; init; }

    /// <summary>The verification commands in the order they run: build, then lint, then test.</summary>
    public IReadOnlyList<string> VerificationCommands => [.. Build, .. Lint, .. Test];
}
