using Nightshift.Core.Errors;

namespace Nightshift.Core.Planning;

/// <summary>An operation that needs an acyclic plan got one whose dependencies loop; the message names the loop.</summary>
public sealed class PlanCycleException(IReadOnlyList<string> cycles)
    : NightshiftException($"the plan's dependencies form a cycle ({string.Join("; ", cycles)}); run cycle recovery first or remove one of these dependencies")
{
    public IReadOnlyList<string> Cycles { get; } = cycles;
}
