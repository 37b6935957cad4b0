namespace Nightshift.Server.Dashboard;

/// <summary>One node to place on a drawn graph: its id and the ids it depends on (unknown ids are ignored).</summary>
internal sealed record DagItem(string Id, IReadOnlyList<string> DependsOn);
