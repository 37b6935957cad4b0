namespace Nightshift.Server.Dashboard;

/// <summary>A subtask placed on the plan's drawing; <see cref="State"/> is pending, running, done or failed.</summary>
internal sealed record PlanNode(string Id, string Title, IReadOnlyList<string> DependsOn, string State, double X, double Y);
