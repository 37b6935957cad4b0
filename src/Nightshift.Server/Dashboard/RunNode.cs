namespace Nightshift.Server.Dashboard;

/// <summary>A step placed on the run's drawing.</summary>
internal sealed record RunNode(RunPageStep Step, double X, double Y);
