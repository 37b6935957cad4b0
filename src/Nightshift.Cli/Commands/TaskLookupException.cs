namespace Nightshift.Cli.Commands;

/// <summary>A task id on the command line matched no task, or a short id matched several.</summary>
internal sealed class TaskLookupException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
