namespace Nightshift.Storage.Commands;

/// <summary>
/// A task's command audit trail summed: commands run, those that failed (<see cref="TaskCommand.Failed"/>), the egress
/// proxy's connections allowed and refused, and the same per host and port (most used first).
/// </summary>
public sealed record TaskCommandTotals(int Commands, int Failed, long NetworkAllowed, long NetworkDenied, IReadOnlyList<TaskHostTotals> Hosts)
{
    /// <summary>The most host rows the totals list; the rest are still counted in <see cref="NetworkAllowed"/> and <see cref="NetworkDenied"/>.</summary>
    public const int MaxHosts = 200;

    public static TaskCommandTotals None { get; } = new(0, 0, 0, 0, []);
}
