using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;

namespace Nightshift.Server.Tests.Support;

/// <summary>
/// Asks one question on its first attempt; on the next, reads the task's conversation through the run (as the agent
/// does before a model turn) and succeeds, keeping what it read.
/// </summary>
internal sealed class QuestionExecutor(string question = "Which endpoint, v1 or v2?") : ITaskExecutor
{
    public List<TaskConversationEntry> Seen { get; } = [];

    public List<bool> Converses { get; } = [];

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        lock (Seen)
        {
            Converses.Add(run.Converses);
        }
        var conversation = await run.TakeMessagesAsync(0, cancellationToken);
        if (!conversation.Any(e => e.Kind == TaskMessageKind.Question))
        {
            return TaskOutcome.AwaitInput(question, DateTimeOffset.UtcNow.AddHours(1), "go with v1");
        }
        lock (Seen)
        {
            Seen.AddRange(conversation);
        }
        return TaskOutcome.Succeeded();
    }
}
