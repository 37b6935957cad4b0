using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Nightshift.Models.Providers;

/// <summary>Exposes the official OpenAI SDK's chat client as an <see cref="IChatClient"/>.</summary>
public static class OpenAIClientExtensions
{
    /// <param name="chatClient">A client bound to one model and endpoint.</param>
    /// <param name="providerName">Reported in <see cref="ChatClientMetadata"/> (openai, gemini, ollama…).</param>
    /// <param name="endpoint">Reported in the metadata; the SDK's own endpoint property is still experimental.</param>
    /// <param name="model">Reported in the metadata.</param>
    public static IChatClient AsIChatClient(this ChatClient chatClient, string providerName = "openai", Uri? endpoint = null, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        return new OpenAIChatClient(chatClient, providerName, endpoint, model);
    }
}
