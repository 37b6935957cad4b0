namespace Nightshift.Core.Events.Payloads;

/// <summary>A failing test the agent declared out of scope, in <c>verify.*</c> and final task events.</summary>
/// <param name="Test">the test's name.</param>
/// <param name="Reason">why the agent says it is out of scope.</param>
public sealed record OutOfScopeEntry(
    string Test,
    string Reason);
