namespace Nightshift.Agent.Configuration;

public enum NetworkPolicy
{
    Off,
    Setup,
    On,
}
