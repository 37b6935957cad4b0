using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Recording;

/// <summary>Records every call (request and response, or the error) to a cassette that <c>replay/&lt;file&gt;</c> plays back.</summary>
public sealed class RecordingChatClient(IChatClient inner, CassetteWriter writer, ModelSpec spec, TimeProvider? timeProvider = null)
    : DelegatingChatClient(inner)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var call = writer.NextCall();
        try
        {
            var response = await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
            writer.Write(Entry(call, conversation, options, streaming: false) with { Response = response });
            return response;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            writer.Write(Entry(call, conversation, options, streaming: false) with { Error = exception.Message });
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var call = writer.NextCall();
        var received = new List<ChatResponseUpdate>();
        var updates = base.GetStreamingResponseAsync(conversation, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    writer.Write(Entry(call, conversation, options, streaming: true) with { Error = exception.Message });
                    throw;
                }
                received.Add(updates.Current);
                yield return updates.Current;
            }
        }
        writer.Write(Entry(call, conversation, options, streaming: true) with { Response = received.ToChatResponse() });
    }

    private CassetteEntry Entry(int call, IReadOnlyList<ChatMessage> conversation, ChatOptions? options, bool streaming) => new()
    {
        Call = call,
        Model = spec.ToString(),
        RecordedAt = _time.GetUtcNow(),
        Streaming = streaming,
        Instructions = options?.Instructions,
        Tools = [.. (options?.Tools ?? []).Select(t => t.Name)],
        Messages = [.. conversation],
    };
}
