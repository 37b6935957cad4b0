using Nightshift.Core.Execution;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>
/// Builds the plan's unfinished subtasks, once the baseline run has finished: the build changes the worktree the
/// baseline must see untouched. The subtask work itself (scheduler, per-subtask agents, commits, journal) is the
/// executor's, handed in as <paramref name="buildSubtasks"/>. A build agent's question ends the attempt to wait for
/// the answer (the subtasks finished meanwhile are kept; the one that asked is built again with the answer).
/// </summary>
internal sealed class BuildPhase(Func<TaskAttempt, CancellationToken, Task> buildSubtasks, AgentOptions options, TimeProvider time) : ITaskPhase
{
    public CheckpointStage? DoneAt => CheckpointStage.Built;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Baseline is { } baseline)
        {
            await baseline.WaitAsync(cancellationToken);
        }
        await buildSubtasks(attempt, cancellationToken);
        return AwaitAnswer(attempt, options, time);
    }

    /// <summary>The outcome that parks the task for the answer, when an agent of this attempt asked a question.</summary>
    public static TaskOutcome? AwaitAnswer(TaskAttempt attempt, AgentOptions options, TimeProvider time) =>
        attempt.Inbox?.PendingQuestion is { } question
            ? TaskOutcome.AwaitInput(Clipping.Clip(question, Core.Tasks.TaskMessage.MaxTextLength), time.GetUtcNow() + options.QuestionTimeout, options.DefaultAnswer)
            : null;
}
