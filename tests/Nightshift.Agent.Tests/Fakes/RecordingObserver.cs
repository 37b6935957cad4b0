using Nightshift.Agent.Loop;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Tests.Fakes;

internal sealed class RecordingObserver : IAgentObserver
{
    public List<string> Log { get; } = [];

    public List<(string Tool, bool IsError, string Content)> Results { get; } = [];

    public Task ModelRequestAsync(int step, int messages, int estimatedTokens, CancellationToken cancellationToken)
    {
        Log.Add($"model.request {step}");
        return Task.CompletedTask;
    }

    public Task ModelResponseAsync(int step, UsageRecord usage, string? text, int toolCalls, TimeSpan duration, CancellationToken cancellationToken)
    {
        Log.Add($"model.response {step} calls={toolCalls}");
        return Task.CompletedTask;
    }

    public Task ToolCallAsync(string callId, string tool, string argumentsJson, CancellationToken cancellationToken)
    {
        Log.Add($"tool.call {tool}");
        return Task.CompletedTask;
    }

    public Task ToolResultAsync(string callId, string tool, bool isError, string content, TimeSpan duration, CancellationToken cancellationToken)
    {
        Log.Add($"tool.result {tool} error={isError}");
        Results.Add((tool, isError, content));
        return Task.CompletedTask;
    }

    public Task ContextCompactedAsync(int removedMessages, int estimatedTokensBefore, int estimatedTokensAfter, CancellationToken cancellationToken)
    {
        Log.Add($"context.compacted {removedMessages}");
        return Task.CompletedTask;
    }
}
