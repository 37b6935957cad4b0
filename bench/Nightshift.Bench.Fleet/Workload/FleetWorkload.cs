using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>The seeded task mix.</summary>
public static class FleetWorkload
{
    /// <summary><paramref name="count"/> task specs over the given remotes; the same seed gives the same list.</summary>
    public static IReadOnlyList<FleetTaskSpec> Generate(int seed, int count, IReadOnlyList<string> remotes) => throw new NotImplementedException();
}
