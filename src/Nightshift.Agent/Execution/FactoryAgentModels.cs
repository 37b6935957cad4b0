using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Models;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Models from <see cref="ChatClientFactory"/>: <c>provider/model</c> strings, environment variables, fallback chains.
/// With <paramref name="orgSecrets"/>, a task's calls to a provider use its organisation's <c>model.&lt;provider&gt;.api-key</c>
/// when it has one, else the server's key. Keys stay in this process: the sandbox never sees them.
/// </summary>
internal sealed class FactoryAgentModels(ChatClientFactory factory, IOrgSecrets? orgSecrets = null) : IAgentModels
{
    public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback)
    {
        var selection = factory.ResolveSelection(task.Model);
        return new AgentModel(factory.CreateChain(selection.Build, onFallback), new ModelUsageMeter(factory.Meter, selection.BuildModel));
    }

    public AgentModel CreatePlan(TaskRecord task, Action<ModelFallback>? onFallback)
    {
        var selection = factory.ResolveSelection(task.Model);
        return new AgentModel(factory.CreateChain(selection.Plan, onFallback), new ModelUsageMeter(factory.Meter, selection.PlanModel));
    }

    public async ValueTask<AgentModel> CreateBuildAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken)
    {
        var selection = factory.ResolveSelection(task.Model);
        var keys = await OrgKeysAsync(task, selection.Build, cancellationToken);
        return new AgentModel(factory.CreateChain(selection.Build, onFallback, keys), new ModelUsageMeter(factory.Meter, selection.BuildModel));
    }

    public async ValueTask<AgentModel> CreatePlanAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken)
    {
        var selection = factory.ResolveSelection(task.Model);
        var keys = await OrgKeysAsync(task, selection.Plan, cancellationToken);
        return new AgentModel(factory.CreateChain(selection.Plan, onFallback, keys), new ModelUsageMeter(factory.Meter, selection.PlanModel));
    }

    /// <summary>The organisation's key of each provider in <paramref name="chain"/> that it has one for.</summary>
    private async Task<IReadOnlyDictionary<string, string>?> OrgKeysAsync(TaskRecord task, IReadOnlyList<ModelSpec> chain, CancellationToken cancellationToken)
    {
        if (orgSecrets is null)
        {
            return null;
        }
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var provider in chain.Where(spec => !spec.IsReplay).Select(spec => spec.Provider).Distinct(StringComparer.Ordinal))
        {
            if (await orgSecrets.GetAsync(task.OrgId, $"model.{provider}.api-key", cancellationToken) is { } key)
            {
                keys[provider] = key;
            }
        }
        return keys;
    }
}
