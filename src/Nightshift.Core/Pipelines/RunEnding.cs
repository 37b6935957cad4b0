namespace Nightshift.Core.Pipelines;

/// <summary>How a run ends (once its pull request task, if any, ended): its final state, why, and the step counts.</summary>
public sealed record RunEnding(RunState State, string? Reason, int Succeeded, int Failed, int Skipped);
