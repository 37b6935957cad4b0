using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Turns the agent loop's steps into task events and usage records; usage is charged to <paramref name="subtask"/>
/// when the loop works for one plan subtask, to the task as a whole when it is null.
/// </summary>
internal sealed class RunObserver(ITaskRun run, string role, string? subtask = null) : IAgentObserver
{
    private const int MaxEventText = 4_000;

    public Task ModelRequestAsync(int step, int messages, int estimatedTokens, CancellationToken cancellationToken) =>
        run.EmitAsync(EventTypes.ModelRequest, NightshiftJson.Payload(new ModelRequestPayload(role, step, messages, estimatedTokens)), cancellationToken);

    public async Task ModelResponseAsync(int step, UsageRecord usage, string? text, int toolCalls, TimeSpan duration, CancellationToken cancellationToken)
    {
        await run.RecordUsageAsync(subtask is null ? usage : usage with { Subtask = subtask }, cancellationToken);
        await run.EmitAsync(EventTypes.ModelResponse, NightshiftJson.Payload(new ModelResponsePayload(
            role,
            step,
            usage.Provider,
            usage.Model,
            usage.InputTokens,
            usage.OutputTokens,
            usage.CachedTokens,
            usage.CostUsd,
            usage.CostKnown,
            toolCalls,
            (long)duration.TotalMilliseconds,
            text is null ? null : OutputText.Cap(text, MaxEventText))), cancellationToken);
    }

    public Task ToolCallAsync(string callId, string tool, string argumentsJson, CancellationToken cancellationToken) =>
        run.EmitAsync(EventTypes.ToolCall, NightshiftJson.Payload(new ToolCallPayload(callId, tool, OutputText.Cap(argumentsJson, MaxEventText))), cancellationToken);

    public Task ToolResultAsync(string callId, string tool, bool isError, string content, TimeSpan duration, CancellationToken cancellationToken) =>
        run.EmitAsync(EventTypes.ToolResult, NightshiftJson.Payload(new ToolResultPayload(
            callId,
            tool,
            isError,
            (long)duration.TotalMilliseconds,
            OutputText.Cap(content, MaxEventText))), cancellationToken);

    public Task ContextCompactedAsync(int removedMessages, int estimatedTokensBefore, int estimatedTokensAfter, CancellationToken cancellationToken) =>
        run.EmitAsync(EventTypes.ContextCompacted, NightshiftJson.Payload(new ContextCompactedPayload(removedMessages, estimatedTokensBefore, estimatedTokensAfter)), cancellationToken);
}
