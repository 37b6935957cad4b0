namespace Nightshift.Storage.Commands;

/// <summary>How often the egress proxy allowed and refused one host and port over all of a task's commands.</summary>
public sealed record TaskHostTotals(string Host, int Port, long Allowed, long Denied);
