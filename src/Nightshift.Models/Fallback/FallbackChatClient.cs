using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Nightshift.Models.Errors;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Fallback;

/// <summary>
/// Asks each model of the chain in turn while the previous one fails for good (its retries are already spent).
/// A stream falls back only while nothing has been yielded; once a token is out, the failure is the caller's.
/// The caller's <see cref="ChatOptions.ModelId"/> is cleared: each client answers with its own model.
/// </summary>
internal sealed partial class FallbackChatClient(
    IReadOnlyList<(ModelSpec Spec, IChatClient Client)> chain,
    Action<ModelFallback>? onFallback,
    ILogger logger) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var failures = new List<(ModelSpec Spec, ModelProviderException Error)>();
        for (var i = 0; ; i++)
        {
            var (spec, client) = chain[i];
            try
            {
                return await client.GetResponseAsync(conversation, WithoutModelId(options), cancellationToken).ConfigureAwait(false);
            }
            catch (ModelProviderException exception) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add((spec, exception));
                if (i == chain.Count - 1)
                {
                    throw Exhausted(failures);
                }
                Announce(spec, chain[i + 1].Spec, exception);
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var failures = new List<(ModelSpec Spec, ModelProviderException Error)>();
        for (var i = 0; i < chain.Count; i++)
        {
            var (spec, client) = chain[i];
            var updates = client.GetStreamingResponseAsync(conversation, WithoutModelId(options), cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (updates.ConfigureAwait(false))
            {
                var yielded = false;
                while (true)
                {
                    ChatResponseUpdate update;
                    try
                    {
                        if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                        update = updates.Current;
                    }
                    catch (ModelProviderException exception) when (!yielded && !cancellationToken.IsCancellationRequested)
                    {
                        failures.Add((spec, exception));
                        if (i == chain.Count - 1)
                        {
                            throw Exhausted(failures);
                        }
                        Announce(spec, chain[i + 1].Spec, exception);
                        break;
                    }
                    yielded = true;
                    yield return update;
                }
                if (yielded || failures.Count <= i)
                {
                    yield break;
                }
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }
        return serviceType == typeof(ModelSpec) && serviceKey is null ? chain[0].Spec : chain[0].Client.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        foreach (var (_, client) in chain)
        {
            client.Dispose();
        }
    }

    private static ChatOptions? WithoutModelId(ChatOptions? options)
    {
        if (options?.ModelId is null)
        {
            return options;
        }
        var copy = options.Clone();
        copy.ModelId = null;
        return copy;
    }

    private void Announce(ModelSpec from, ModelSpec to, ModelProviderException exception)
    {
        LogFallback(logger, from.ToString(), to.ToString(), exception.Kind);
        onFallback?.Invoke(new ModelFallback(from, to, exception.Kind, exception.Message));
    }

    private static ModelProviderException Exhausted(List<(ModelSpec Spec, ModelProviderException Error)> failures)
    {
        var last = failures[^1].Error;
        if (failures.Count == 1)
        {
            return last;
        }
        var summary = string.Join("; ", failures.Select(f => $"{f.Spec}: {f.Error.Message}"));
        return new ModelProviderException(last.Provider, last.Kind, $"every model in the chain failed — {summary}", last.StatusCode, last);
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Model {From} failed ({Kind}); falling back to {To}")]
    private static partial void LogFallback(ILogger logger, string from, string to, ModelFailureKind kind);
}
