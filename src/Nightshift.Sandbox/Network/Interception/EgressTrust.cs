using Nightshift.Core.Configuration;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>The installation's egress CA, whom the proxy trusts upstream, and the jail's CA bundle made from the CA; loaded once per sandbox.</summary>
internal sealed record EgressTrust(EgressCertificateAuthority Authority, UpstreamTrust Upstream, string BundlePath)
{
    /// <summary>
    /// Where the CA lives when Sandbox:Egress:CaFolder is not set: beside the sandbox's state folder when one is set
    /// (the server sets CaFolder to <c>&lt;data&gt;/egress-ca</c> itself), else under the data folder.
    /// </summary>
    public static string DefaultCaFolder(string? stateDirectory) => stateDirectory is { Length: > 0 } state
        ? Path.Join(state, "egress-ca")
        : Path.Join(NightshiftPaths.ResolveDataDirectory(null), "egress-ca");

    /// <summary>Reads (or makes) the CA of <paramref name="options"/> and writes the jail's bundle into <paramref name="bundleFolder"/>.</summary>
    public static EgressTrust Load(EgressOptions options, string? stateDirectory, string bundleFolder, TimeProvider time)
    {
        var authority = EgressCertificateAuthority.LoadOrCreate(options.CaFolder ?? DefaultCaFolder(stateDirectory), Environment.MachineName, time);
        try
        {
            return new EgressTrust(authority, UpstreamTrust.FromFile(options.UpstreamCaFile), JailCaBundle.Write(bundleFolder, authority));
        }
        catch
        {
            authority.Dispose();
            throw;
        }
    }
}
