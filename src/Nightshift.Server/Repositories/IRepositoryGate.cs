using Nightshift.Core.Tasks;

namespace Nightshift.Server.Repositories;

/// <summary>
/// Decides whether a submitted task's repository may be used, before the task is stored. The repository policy
/// (allowed hosts, local paths) plugs in here; until it exists every repository that passes Core's validation is let through.
/// </summary>
public interface IRepositoryGate
{
    /// <exception cref="Core.Errors.ValidationException">the repository is refused; the message says which setting allows it.</exception>
    Task EnsureAllowedAsync(NewTask task, CancellationToken cancellationToken = default);
}
