using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Recording;
using Nightshift.Models.Resilience;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Providers;

/// <summary>
/// Middleware right above a provider SDK's <see cref="IChatClient"/>: turns whatever the SDK throws (unreadable bodies,
/// its own exception types) into a redacted <see cref="ModelProviderException"/> that names the setting to check.
/// The SDK adapters surface these as they come; Nightshift's fallback chain and messages rely on one exception type.
/// </summary>
internal sealed class ProviderErrorChatClient(IChatClient inner, ModelSpec spec, ProviderEndpoint endpoint, IReadOnlyList<string> secrets)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                    update = updates.Current;
                }
                catch (Exception exception) when (Translate(exception, cancellationToken) is { } translated)
                {
                    throw translated;
                }
                yield return update;
            }
        }
    }

    /// <summary>Null means: let the exception through unchanged.</summary>
    private ModelProviderException? Translate(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ModelProviderException)
        {
            return null;
        }
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        // SDKs may wrap what the resilience handler threw; the handler's message is the one worth reading.
        for (var cause = exception.InnerException; cause is not null; cause = cause.InnerException)
        {
            if (cause is ModelProviderException provider)
            {
                return provider;
            }
        }
        var unreadable = Causes(exception).Any(e => e is JsonException or FormatException or InvalidDataException or KeyNotFoundException)
            || exception.GetType().Name.Contains("InvalidData", StringComparison.Ordinal);
        var what = unreadable ? "an answer Nightshift could not read" : "an unexpected failure";
        var message = SecretRedactor.Redact(
            $"{spec} gave {what} ({exception.GetType().Name}: {FirstLine(exception.Message)}): check that {endpoint.BaseUrlVariable} points at a {endpoint.Provider} API",
            secrets);
        return new ModelProviderException(endpoint.Provider, unreadable ? ModelFailureKind.MalformedResponse : ModelFailureKind.Network, message);
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 200 ? line : line[..197] + "...";
    }
}
