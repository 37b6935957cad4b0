using Nightshift.Core.Usage;

namespace Nightshift.Agent.Loop;

/// <summary>Hears every step of the agent loop; the executor turns these into task events and usage records.</summary>
public interface IAgentObserver
{
    Task ModelRequestAsync(int step, int messages, int estimatedTokens, CancellationToken cancellationToken);

    Task ModelResponseAsync(int step, UsageRecord usage, string? text, int toolCalls, TimeSpan duration, CancellationToken cancellationToken);

    Task ToolCallAsync(string callId, string tool, string argumentsJson, CancellationToken cancellationToken);

    Task ToolResultAsync(string callId, string tool, bool isError, string content, TimeSpan duration, CancellationToken cancellationToken);

    Task ContextCompactedAsync(int removedMessages, int estimatedTokensBefore, int estimatedTokensAfter, CancellationToken cancellationToken);
}
