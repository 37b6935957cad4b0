using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Usage;

/// <summary>
/// The usage middleware: stamps every response and update with the <c>provider/model</c> that answered, so usage is
/// billed to it after a fallback (<see cref="ChatResponseUsageExtensions.AnsweredBy"/>), and describes the client as
/// that provider and model (the OpenAI adapter calls every compatible server "openai", which telemetry would repeat).
/// </summary>
internal sealed class AnsweringModelChatClient(IChatClient inner, ModelSpec spec, Uri? endpoint) : DelegatingChatClient(inner)
{
    private readonly string _stamp = spec.ToString();
    private readonly ChatClientMetadata _metadata = new(spec.Provider, endpoint, spec.Model);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[ModelResponseProperties.Model] = _stamp;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            (update.AdditionalProperties ??= [])[ModelResponseProperties.Model] = _stamp;
            yield return update;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? base.GetService(serviceType, serviceKey)
            : serviceType == typeof(ModelSpec) ? spec
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : base.GetService(serviceType, serviceKey);
    }
}
