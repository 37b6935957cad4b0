namespace Nightshift.Agent.Execution;

/// <summary>An agent step's output when it changed the run's branch: <c>{ "summary", "commit", "changed": true }</c>.</summary>
internal sealed record ChangeOutput(string Summary, string? Commit, bool Changed);
