using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Execution;

/// <summary>One verification command's run on the base, as the checkpoint keeps it: what the verifier judges later rounds by (not the output).</summary>
internal sealed record BaselineCommand(string Command, int ExitCode, bool TimedOut, IReadOnlyList<string> FailingTests)
{
    public static BaselineCommand Of(CommandCheck check) => new(check.Command, check.ExitCode, check.TimedOut, [.. check.FailingTests.Order(StringComparer.Ordinal)]);

    public CommandCheck ToCheck() => new(Command, ExitCode, TimedOut, "", (FailingTests ?? []).ToHashSet(StringComparer.Ordinal), TimeSpan.Zero);
}
