using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nightshift.TestKit.Models;

/// <summary>
/// An in-process model for agent tests: answers from a queue of steps (a response, a function of the call, or an
/// exception), falling back to <see cref="Responder"/> once the queue is empty. Records every call.
/// <code>
/// var model = new ScriptedChatClient()
///     .ThenToolCall("read_file", new { path = "README.md" })
///     .ThenText("Done.");
/// </code>
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Lock _gate = new();
    private readonly Queue<Func<ScriptedChatCall, ChatResponse>> _steps = new();
    private readonly List<ScriptedChatCall> _calls = [];
    private int _toolCallIds;

    public ScriptedChatClient(params ChatResponse[] responses)
    {
        foreach (var response in responses)
        {
            Then(response);
        }
    }

    /// <summary>Answers calls once the queue is empty; null makes such a call fail with a message that says so.</summary>
    public Func<ScriptedChatCall, ChatResponse>? Responder { get; set; }

    /// <summary>The model id responses report.</summary>
    public string ModelId { get; set; } = "scripted";

    public IReadOnlyList<ScriptedChatCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                return _steps.Count;
            }
        }
    }

    public ScriptedChatClient Then(ChatResponse response) => Then(_ => response);

    public ScriptedChatClient Then(Func<ScriptedChatCall, ChatResponse> step)
    {
        lock (_gate)
        {
            _steps.Enqueue(step);
        }
        return this;
    }

    public ScriptedChatClient ThenText(string text, UsageDetails? usage = null) => Then(Text(text, usage));

    public ScriptedChatClient ThenToolCall(string name, object arguments, string? callId = null) =>
        Then(ToolCalls((name, arguments, callId ?? NextCallId())));

    /// <summary>Several tool calls in one answer (parallel calls).</summary>
    public ScriptedChatClient ThenToolCalls(params (string Name, object Arguments)[] calls) =>
        Then(ToolCalls([.. calls.Select(c => (c.Name, c.Arguments, NextCallId()))]));

    public ScriptedChatClient ThenThrow(Exception exception) => Then(_ => throw exception);

    public static ChatResponse Text(string text, UsageDetails? usage = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = ChatFinishReason.Stop,
            Usage = usage ?? new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
        };

    public static ChatResponse ToolCalls(params (string Name, object Arguments, string CallId)[] calls)
    {
        var contents = calls.Select(c => (AIContent)new FunctionCallContent(c.CallId, c.Name, ToArguments(c.Arguments))).ToList();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
        };
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Answer(messages, options, streaming: false));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var response = Answer(messages, options, streaming: true);
        foreach (var update in response.ToChatResponseUpdates())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
            await Task.Yield();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private ChatResponse Answer(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        ScriptedChatCall call;
        Func<ScriptedChatCall, ChatResponse>? step;
        lock (_gate)
        {
            call = new ScriptedChatCall(_calls.Count + 1, [.. messages], options?.Clone(), streaming);
            _calls.Add(call);
            step = _steps.TryDequeue(out var next) ? next : Responder;
        }
        if (step is null)
        {
            throw new InvalidOperationException($"ScriptedChatClient: call {call.Number} had no scripted answer (the script ran out); last message: {call.Messages.LastOrDefault()?.Text}");
        }
        var response = step(call);
        response.ModelId ??= ModelId;
        return response;
    }

    private string NextCallId() => $"call_{Interlocked.Increment(ref _toolCallIds)}";

    private static Dictionary<string, object?> ToArguments(object arguments) =>
        arguments as Dictionary<string, object?>
        ?? JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments), AIJsonUtilities.DefaultOptions)
        ?? [];
}
