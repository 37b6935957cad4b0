namespace Nightshift.Sandbox.Internal;

/// <summary>What a started process did, before the sandbox reads limits into it.</summary>
internal sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr, bool Truncated, TimeSpan Duration, bool TimedOut);
