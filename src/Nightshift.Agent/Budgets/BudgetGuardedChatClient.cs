using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Budgets;

/// <summary>
/// Asks <see cref="IModelCallBudget"/> before every call on to the model (retries and fallbacks inside the call are
/// the same call); a used-up budget throws <see cref="BudgetExhaustedException"/> and the model is never reached.
/// </summary>
internal sealed class BudgetGuardedChatClient(IChatClient inner, IModelCallBudget budget, TaskRecord task) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnsureWithinBudgetAsync(cancellationToken);
        return await base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureWithinBudgetAsync(cancellationToken);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            yield return update;
        }
    }

    private async Task EnsureWithinBudgetAsync(CancellationToken cancellationToken)
    {
        if (await budget.CheckAsync(task, cancellationToken) is { } exhausted)
        {
            throw new BudgetExhaustedException(exhausted);
        }
    }
}
