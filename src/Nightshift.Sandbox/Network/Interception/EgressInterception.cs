namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// What the egress proxy of one command needs to look inside tunnels: the installation's CA (to show the command a
/// certificate for the host), whom to trust upstream, and the credentials it adds for their hosts.
/// </summary>
public sealed class EgressInterception(EgressCertificateAuthority authority, UpstreamTrust upstream, IReadOnlyList<EgressCredential> credentials)
{
    public EgressCertificateAuthority Authority { get; } = authority ?? throw new ArgumentNullException(nameof(authority));

    public UpstreamTrust Upstream { get; } = upstream ?? throw new ArgumentNullException(nameof(upstream));

    public IReadOnlyList<EgressCredential> Credentials { get; } = credentials ?? [];

    /// <summary>The credential for <paramref name="host"/>:<paramref name="port"/>, or null when it has none.</summary>
    public EgressCredential? CredentialFor(string host, int port)
    {
        var name = host.TrimEnd('.');
        return Credentials.FirstOrDefault(c => c.Port == port && c.Host.TrimEnd('.').Equals(name, StringComparison.OrdinalIgnoreCase));
    }
}
