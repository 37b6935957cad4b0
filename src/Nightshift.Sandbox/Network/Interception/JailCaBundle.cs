namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// The CA bundle a networked jail trusts: the host's system roots followed by the installation's egress CA
/// certificate (never its key), written once to a private folder of the worker and mounted read-only into each
/// networked jail, where SSL_CERT_FILE and its siblings name it. The host's own trust is left as it is.
/// </summary>
internal static class JailCaBundle
{
    /// <summary>Where distributions keep the system's roots as one PEM file; the first that exists is used.</summary>
    private static readonly string[] SystemBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

    /// <summary>Writes the bundle for <paramref name="authority"/> into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, EgressCertificateAuthority authority)
    {
        var roots = SystemBundles.FirstOrDefault(File.Exists) is { } system ? File.ReadAllText(system) : "";
        if (roots.Length > 0 && !roots.EndsWith('\n'))
        {
            roots += "\n";
        }
        var path = Path.Join(folder, "ca-bundle.pem");
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, roots + authority.CertificatePem);
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
