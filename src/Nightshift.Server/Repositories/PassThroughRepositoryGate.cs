using Nightshift.Core.Tasks;

namespace Nightshift.Server.Repositories;

internal sealed class PassThroughRepositoryGate : IRepositoryGate
{
    public Task EnsureAllowedAsync(NewTask task, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
