using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Whether an endpoint wants an event: its event-type filter, its repository filter, and nothing from before it was
/// made, and only a task of its own organisation. A disabled endpoint still gets its deliveries made; they wait until
/// it is enabled again.
/// </summary>
internal static class EndpointMatcher
{
    public static bool Matches(OutboundEndpoint endpoint, TaskRecord task, TaskEvent taskEvent) =>
        string.Equals(endpoint.OrgId, task.OrgId, StringComparison.Ordinal)
        && taskEvent.Time >= endpoint.CreatedAt
        && MatchesType(endpoint.EventTypes, taskEvent.Type)
        && MatchesRepository(endpoint.Repositories, task.Repo);

    /// <summary>Empty or <c>*</c>: every type; <c>prefix.*</c>: types starting with <c>prefix.</c>; otherwise the exact type.</summary>
    public static bool MatchesType(IReadOnlyList<string> filters, string type)
    {
        if (filters.Count == 0)
        {
            return true;
        }
        foreach (var filter in filters)
        {
            if (filter == "*" || string.Equals(filter, type, StringComparison.Ordinal))
            {
                return true;
            }
            if (filter.Length > 2 && filter.EndsWith(".*", StringComparison.Ordinal)
                && type.Length > filter.Length - 1 && type.StartsWith(filter.AsSpan(0, filter.Length - 1), StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Empty: every repository; otherwise the task's repository as written, ignoring case and a trailing slash.</summary>
    public static bool MatchesRepository(IReadOnlyList<string> repositories, string repo)
    {
        if (repositories.Count == 0)
        {
            return true;
        }
        var wanted = repo.TrimEnd('/');
        return repositories.Any(r => string.Equals(r.TrimEnd('/'), wanted, StringComparison.OrdinalIgnoreCase));
    }
}
