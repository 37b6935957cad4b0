namespace Nightshift.Server.Dashboard;

/// <summary>Where <see cref="DagLayout"/> put one node: its top-left corner.</summary>
internal sealed record DagSlot(string Id, double X, double Y);
