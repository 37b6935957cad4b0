namespace Nightshift.Sandbox;

/// <summary>
/// One narrower level of the operator's network ceiling: an organisation's (Sandbox:Network:Organisations:{orgId}) or
/// a repository's (an entry of Sandbox:Network:Repositories). A phase it leaves unset keeps the level above; a phase
/// set higher than the level above gets that level's. Its allow-list (<see cref="Allow"/> and <see cref="Presets"/>)
/// keeps only what the level above allows, and stands on its own where the level above is On.
/// </summary>
public class NetworkLevel
{
    /// <summary>The setup commands' ceiling at this level; null keeps the level above.</summary>
    public NetworkPolicy? Setup { get; set; }

    /// <summary>The agent's commands' ceiling at this level; null keeps the level above.</summary>
    public NetworkPolicy? Agent { get; set; }

    /// <summary>The verification commands' ceiling at this level; null keeps the level above.</summary>
    public NetworkPolicy? Verify { get; set; }

    /// <summary>Host rules (see <see cref="Network.HostRule"/>) for the phases at Allowlist; null or empty with no presets keeps the level above's.</summary>
    public string[]? Allow { get; set; }

    /// <summary>Preset names (npm, pypi, nuget, go, crates) whose hosts join <see cref="Allow"/>.</summary>
    public string[]? Presets { get; set; }
}
