using Octokit;

namespace Nightshift.Forges.GitHub;

/// <summary>Gives Octokit the forge's current token on every request, so a refreshed App token is used at once.</summary>
internal sealed class ForgeTokenCredentialStore(IForgeToken token) : ICredentialStore
{
    public async Task<Credentials> GetCredentials() =>
        new(await token.GetAsync(GitHubCallCancellation.Token), AuthenticationType.Bearer);
}
