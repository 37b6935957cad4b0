using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>A model that answers from a script: each turn is a function of the conversation so far.</summary>
internal sealed class ScriptedModel(params Func<IReadOnlyList<ChatMessage>, ChatResponse>[] turns) : IChatClient
{
    private int _next;

    public List<List<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var seen = messages.ToList();
        Requests.Add(seen);
        var turn = _next < turns.Length ? turns[_next] : turns[^1];
        _next++;
        return Task.FromResult(turn(seen));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    public static ChatResponse Call(string tool, object arguments, string? id = null) =>
        Calls((tool, arguments, id));

    public static ChatResponse Calls(params (string Tool, object Arguments, string? Id)[] calls)
    {
        var contents = calls.Select((c, i) => (AIContent)new FunctionCallContent(
            c.Id ?? $"call_{Guid.NewGuid():N}"[..12],
            c.Tool,
            JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(c.Arguments)))).ToList();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            Usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 50 },
        };
    }

    public static ChatResponse Text(string text) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = new UsageDetails { InputTokenCount = 500, OutputTokenCount = 20 } };

    /// <summary>The text of the tool result the model received for the call with <paramref name="callId"/>.</summary>
    public static string? ResultOf(IReadOnlyList<ChatMessage> conversation, string callId) =>
        conversation.SelectMany(m => m.Contents.OfType<FunctionResultContent>()).LastOrDefault(r => r.CallId == callId)?.Result?.ToString();
}
