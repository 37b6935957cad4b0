using Microsoft.Extensions.AI;

namespace Nightshift.TestKit.Models;

/// <summary>One call a <see cref="ScriptedChatClient"/> received: a snapshot of the conversation and options.</summary>
public sealed record ScriptedChatCall(int Number, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool Streaming)
{
    public ChatMessage LastMessage => Messages[^1];

    /// <summary>Results of tool calls sent back in this call's conversation.</summary>
    public IReadOnlyList<FunctionResultContent> ToolResults =>
        [.. Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()];
}
