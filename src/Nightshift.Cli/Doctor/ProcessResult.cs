namespace Nightshift.Cli.Doctor;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut);
