namespace Nightshift.Bench.Fleet.Workload;

/// <summary>The run's real git repositories: bare remotes with a main branch, a <c>.nightshift.yml</c> whose test checks every task file present.</summary>
public static class FleetRepositories
{
    /// <summary>Creates <paramref name="count"/> repositories under <paramref name="folder"/>; returns name → bare remote path (what tasks are submitted with).</summary>
    public static IReadOnlyDictionary<string, string> Create(string folder, int count) => throw new NotImplementedException();
}
