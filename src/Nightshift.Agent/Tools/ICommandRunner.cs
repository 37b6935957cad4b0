namespace Nightshift.Agent.Tools;

/// <summary>Runs a shell command in the task's sandbox (never on the host) with the worktree as its working folder.</summary>
public interface ICommandRunner
{
    Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default);
}
