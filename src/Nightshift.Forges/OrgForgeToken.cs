using Nightshift.Core.Forges;
using Nightshift.Core.Teams;

namespace Nightshift.Forges;

/// <summary>
/// An organisation's own forge token (its <c>forge.&lt;kind&gt;.token</c> secret) when it has one, else the configured
/// entry's credential. Read at each use: the secrets keep decrypted values briefly, so a change applies within seconds.
/// </summary>
public sealed class OrgForgeToken(IOrgSecrets secrets, string orgId, string secretName, IForgeToken fallback) : IForgeToken
{
    /// <summary>The secret name of a forge kind's token: <c>forge.github.token</c>, <c>forge.gitlab.token</c>, <c>forge.gitea.token</c>.</summary>
    public static string SecretName(ForgeKind kind) => $"forge.{kind.ToString().ToLowerInvariant()}.token";

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken = default) =>
        await secrets.GetAsync(orgId, secretName, cancellationToken) is { } own && !string.IsNullOrWhiteSpace(own)
            ? own.Trim()
            : await fallback.GetAsync(cancellationToken);

    public override string ToString() => "OrgForgeToken { *** }";
}
