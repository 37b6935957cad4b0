namespace Nightshift.Agent.Loop;

/// <summary>What people said to the task since this agent last looked: read before each model turn.</summary>
public interface IAgentInbox
{
    /// <summary>The new messages (and answers to the task's questions) framed as one user message for the model, or null when there are none.</summary>
    Task<string?> NextAsync(CancellationToken cancellationToken);
}
