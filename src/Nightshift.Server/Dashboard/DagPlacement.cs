namespace Nightshift.Server.Dashboard;

/// <summary>The nodes of a graph as <see cref="DagLayout"/> placed them (in drawing order) and the drawing's size.</summary>
internal sealed record DagPlacement(IReadOnlyList<DagSlot> Slots, double Width, double Height, bool Narrow);
