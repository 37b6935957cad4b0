using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Server.Repositories;

/// <summary>
/// Refuses a task whose repository the policy does not allow (hosts outside Repositories:AllowedHosts, local paths
/// outside Repositories:AllowedRoots, file://, embedded credentials, private addresses …) before it is stored.
/// </summary>
internal sealed class PolicyRepositoryGate(RepositoryPolicy policy) : IRepositoryGate
{
    public Task EnsureAllowedAsync(NewTask task, CancellationToken cancellationToken = default)
    {
        try
        {
            policy.Resolve(task.Repo);
            return Task.CompletedTask;
        }
        catch (RepositoryRefusedException e)
        {
            throw new ValidationException("repo", e.Message);
        }
    }
}
