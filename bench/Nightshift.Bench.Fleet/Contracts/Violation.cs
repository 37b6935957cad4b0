namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>One broken promise the checks found: which check, what exactly, and the task ids involved (the exit code is non-zero when any exists).</summary>
public sealed record Violation(string Check, string Message, IReadOnlyList<string> TaskIds);
