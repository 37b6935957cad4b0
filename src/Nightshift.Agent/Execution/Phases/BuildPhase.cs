using Nightshift.Core.Execution;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>
/// Builds the plan's unfinished subtasks, once the baseline run has finished: the build changes the worktree the
/// baseline must see untouched. The subtask work itself (scheduler, per-subtask agents, commits, journal) is the
/// executor's, handed in as <paramref name="buildSubtasks"/>.
/// </summary>
internal sealed class BuildPhase(Func<TaskAttempt, CancellationToken, Task> buildSubtasks) : ITaskPhase
{
    public CheckpointStage? DoneAt => CheckpointStage.Built;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Baseline is { } baseline)
        {
            await baseline.WaitAsync(cancellationToken);
        }
        await buildSubtasks(attempt, cancellationToken);
        return null;
    }
}
