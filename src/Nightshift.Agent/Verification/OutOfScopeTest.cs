namespace Nightshift.Agent.Verification;

/// <summary>A test that already failed before the agent's change and still fails, declared out of the task's scope by the agent, with its reason.</summary>
public sealed record OutOfScopeTest(string Test, string Reason);
