using Nightshift.Core.Teams;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Turns <c>Sandbox:Egress:Credentials</c> into the credentials the egress proxy adds for one task's organisation: a
/// configured Value as it is, a Secret read from the organisation's secrets (<see cref="IOrgSecrets"/>, which masks
/// what it decrypts in events and logs). A secret the organisation does not have ends the task before any command
/// runs, rather than letting the commands go unauthenticated and fail in ways nobody can read.
/// </summary>
internal sealed class EgressCredentialResolver(IReadOnlyList<EgressCredentialOptions> entries, IOrgSecrets? secrets)
{
    /// <summary>True when credentials are configured at all.</summary>
    public bool Any => entries.Count > 0;

    public async Task<IReadOnlyList<EgressCredential>> ResolveAsync(string orgId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        var credentials = new List<EgressCredential>(entries.Count);
        foreach (var entry in entries)
        {
            var value = entry.Value;
            if (string.IsNullOrEmpty(value) && entry.Secret is { } name)
            {
                if (secrets is null)
                {
                    throw new EgressCredentialException($"the egress credential for {entry.Host}:{entry.Port} names the organisation secret '{name}', but this worker has no organisation secrets (it runs without a server's key ring); give the value in Sandbox:Egress:Credentials as Value instead");
                }
                value = await secrets.GetAsync(orgId, name, cancellationToken)
                    ?? throw new EgressCredentialException($"the egress credential for {entry.Host}:{entry.Port} needs the secret '{name}', which organisation '{orgId}' does not have; add it (`nightshift secret set {name}` or POST /api/v1/orgs/{orgId}/secrets), or remove the entry from Sandbox:Egress:Credentials");
            }
            if (string.IsNullOrEmpty(value) || !EgressCredentialOptions.IsVisible(value))
            {
                throw new EgressCredentialException($"the egress credential for {entry.Host}:{entry.Port} has a value that cannot be sent as a header (empty, a line break or a character that is not printable ASCII); set it anew{(entry.Secret is { } secret ? $" in the organisation secret '{secret}'" : " in Sandbox:Egress:Credentials")}");
            }
            credentials.Add(new EgressCredential(entry.Host!.TrimEnd('.'), entry.Port, entry.Header, entry.HeaderValue(value)));
        }
        return credentials;
    }
}
