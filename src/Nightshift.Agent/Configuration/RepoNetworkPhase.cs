namespace Nightshift.Agent.Configuration;

/// <summary>The phases of a task whose commands run in the sandbox, each with its own network policy.</summary>
public enum RepoNetworkPhase
{
    Setup,
    Agent,
    Verify,
}
