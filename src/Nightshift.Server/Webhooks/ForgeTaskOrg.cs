using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// The organisation a forge-triggered task belongs to: the one whose allowed repositories name the repository (exactly or
/// by a <c>prefix/*</c>), else <c>default</c>. An organisation with no allowed repositories claims none; when several
/// match, an exact entry wins over a prefix, then the lowest organisation id, so the choice never depends on order.
/// </summary>
internal static class ForgeTaskOrg
{
    public static async Task<string> ResolveAsync(ITeamStore teams, string repo, CancellationToken cancellationToken = default)
    {
        var orgs = await teams.ListOrgsAsync(cancellationToken);
        var matches = orgs
            .Where(o => o.Id != OrgIds.Default && o.AllowedRepos.Any(entry => OrgRepositories.Matches(entry, repo)))
            .OrderBy(o => o.AllowedRepos.Contains(repo, StringComparer.Ordinal) ? 0 : 1)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToList();
        return matches.Count > 0 ? matches[0].Id : OrgIds.Default;
    }
}
