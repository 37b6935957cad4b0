using Nightshift.Core.Forges;
using Nightshift.Forges.Conversation;

namespace Nightshift.Forges;

/// <summary>
/// Where one repository's pull request goes: the forge client, and, on a configured forge, the endpoint whose
/// credential pushes the branch. <see cref="Endpoint"/> is null on the local forge (no credential needed).
/// </summary>
public sealed record ForgeTarget(IForge Forge, ForgeEndpoint? Endpoint, ForgeRepository? Repository)
{
    /// <summary>The issue side of the forge (permissions, comments, reviews, check logs); null on the local forge.</summary>
    public IForgeConversation? Conversation => Forge as IForgeConversation;

    /// <returns>the user name and token git answers on push, or null when the repository needs none.</returns>
    public async ValueTask<ForgePushLogin?> PushLoginAsync(CancellationToken cancellationToken = default) =>
        Endpoint is null ? null : new ForgePushLogin(ForgePushLogin.UsernameFor(Endpoint.Kind), await Endpoint.Token.GetAsync(cancellationToken));
}
