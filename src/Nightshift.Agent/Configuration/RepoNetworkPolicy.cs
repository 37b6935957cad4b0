namespace Nightshift.Agent.Configuration;

public enum RepoNetworkPolicy
{
    Off,
    Setup,
    On,
}
