namespace Nightshift.Agent.Tools;

/// <param name="Output">stdout then stderr, already capped (head and tail kept) when <paramref name="Truncated"/>.</param>
public sealed record CommandOutcome(int ExitCode, string Output, TimeSpan Duration, bool TimedOut, bool Truncated);
