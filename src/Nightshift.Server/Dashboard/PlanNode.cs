using Nightshift.Core.Usage;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// A subtask placed on the plan's drawing; <see cref="State"/> is pending, running, done or failed. <see cref="Usage"/>
/// is what its model calls used so far, null when none was recorded for it.
/// </summary>
internal sealed record PlanNode(string Id, string Title, IReadOnlyList<string> DependsOn, string State, double X, double Y)
{
    public UsageTotals? Usage { get; init; }
}
