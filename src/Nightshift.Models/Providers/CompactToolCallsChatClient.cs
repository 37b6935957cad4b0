using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Nightshift.Models.Providers;

/// <summary>
/// The one thing the official OpenAI adapter lacks for Nightshift: it writes the arguments of earlier tool calls back
/// into the conversation with the indented shared JSON options, which costs tokens on every later request of a long
/// agent session. This middleware hands the adapter those assistant messages already built, with compact arguments
/// (the adapter sends a message's OpenAI raw representation as it is). Everything else passes through unchanged.
/// </summary>
internal sealed class CompactToolCallsChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Rewrite(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Rewrite(messages), options, cancellationToken);

    private static List<AIChatMessage> Rewrite(IEnumerable<AIChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return [.. messages.Select(m => m.Role == ChatRole.Assistant && m.RawRepresentation is null && m.Contents.Any(c => c is FunctionCallContent) ? WithCompactCalls(m) : m)];
    }

    private static AIChatMessage WithCompactCalls(AIChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromBytes(
                JsonSerializer.SerializeToUtf8Bytes(c.Arguments ?? new Dictionary<string, object?>(), Compact.GetTypeInfo(typeof(IDictionary<string, object?>))))))
            .ToList();
        var assistant = new AssistantChatMessage(calls);
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0)
        {
            assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
        }
        // A copy: the caller's conversation (and what recording writes) keeps no OpenAI types.
        var copy = message.Clone();
        copy.RawRepresentation = assistant;
        return copy;
    }
}
