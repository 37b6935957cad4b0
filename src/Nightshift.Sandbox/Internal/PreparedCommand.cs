namespace Nightshift.Sandbox.Internal;

/// <summary>A spec that passed validation, with host paths resolved and defaults applied.</summary>
internal sealed record PreparedCommand(
    IReadOnlyList<string> Argv,
    string Worktree,
    string WorkingDirectory,
    NetworkPolicy Network,
    IReadOnlyDictionary<string, string> ExtraEnvironment,
    TimeSpan Timeout,
    int MaxOutputChars,
    string? CachePath,
    SandboxLimits Limits,
    Action<OutputLine>? OnOutput)
{
    /// <summary>For <see cref="NetworkPolicy.On"/>: the host folder holding the command's egress proxy socket.</summary>
    public string? EgressFolder { get; init; }

    /// <summary>For a networked command: the host file of the jail's CA bundle (see <see cref="SandboxPaths.CaBundle"/>); null: none.</summary>
    public string? CaBundle { get; init; }
}
