namespace Nightshift.Core.Usage;

/// <summary>The model calls made for one plan subtask of a task, summed over every attempt.</summary>
public sealed record SubtaskUsage(string Subtask, UsageTotals Usage);
