using System.ClientModel.Primitives;

namespace Nightshift.Models.Providers;

/// <summary>For local OpenAI-compatible servers (Ollama, vLLM) that take no key: send no Authorization header at all.</summary>
internal sealed class NoAuthenticationPolicy : AuthenticationPolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNext(message, pipeline, currentIndex);

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNextAsync(message, pipeline, currentIndex);
}
