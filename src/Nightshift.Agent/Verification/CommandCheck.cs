namespace Nightshift.Agent.Verification;

/// <summary>One verification command's run.</summary>
public sealed record CommandCheck(string Command, int ExitCode, bool TimedOut, string Output, IReadOnlySet<string> FailingTests, TimeSpan Duration)
{
    public bool Passed => ExitCode == 0 && !TimedOut;
}
