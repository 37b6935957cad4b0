using Nightshift.Core.Execution;

namespace Nightshift.Server.Workers;

/// <summary>The production executor until the agent exists: every task fails at once, saying why.</summary>
internal sealed class NoAgentExecutor : ITaskExecutor
{
    public const string Reason = "no agent is installed yet: this build of Nightshift cannot run tasks";

    public Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken) =>
        Task.FromResult(TaskOutcome.Failed(Reason));
}
