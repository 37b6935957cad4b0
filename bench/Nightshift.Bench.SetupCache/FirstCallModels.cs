using Microsoft.Extensions.AI;
using Nightshift.Agent.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;

namespace Nightshift.Bench.SetupCache;

/// <summary>
/// A model that notes when it is first asked and then stops the task: the figure is the time until the model would be
/// asked, so nothing after that point is run.
/// </summary>
internal sealed class FirstCallModels(Action onFirstCall) : IAgentModels
{
    public AgentModel CreateBuild(TaskRecord task, Action<Nightshift.Models.Fallback.ModelFallback>? onFallback) =>
        new(new Client(onFirstCall), new ModelUsageMeter(UsageMeter.Default, ModelSpec.Parse("openai/gpt-4.1")));

    private sealed class Client(Action onFirstCall) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            onFirstCall();
            cancellationToken.ThrowIfCancellationRequested();
            throw new OperationCanceledException(cancellationToken);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            onFirstCall();
            throw new OperationCanceledException(cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
