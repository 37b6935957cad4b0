using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// Whom the egress proxy trusts when it connects to an intercepted host itself: the system's roots, plus the extra
/// roots of <c>Sandbox:Egress:UpstreamCaFile</c> (a company CA, or a test's). The host's name must match its certificate.
/// </summary>
public sealed class UpstreamTrust
{
    private readonly X509Certificate2Collection _extraRoots;

    private UpstreamTrust(X509Certificate2Collection extraRoots)
    {
        _extraRoots = extraRoots;
    }

    /// <summary>The system's roots only.</summary>
    public static UpstreamTrust System { get; } = new([]);

    /// <summary>The system's roots and the certificates in the PEM file <paramref name="pemFile"/> (null or empty: none).</summary>
    public static UpstreamTrust FromFile(string? pemFile)
    {
        if (string.IsNullOrWhiteSpace(pemFile))
        {
            return System;
        }
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemFile);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"Sandbox:Egress:UpstreamCaFile '{pemFile}' holds no PEM certificate; give a file of '-----BEGIN CERTIFICATE-----' blocks or remove the setting");
        }
        return new UpstreamTrust(roots);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> may be trusted for the connection just made; when not, <paramref name="problem"/>
    /// says why in words a person reads.
    /// </summary>
    public bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string? problem)
    {
        problem = null;
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            problem = "the host sent no certificate";
            return false;
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problem = "the host's certificate is not for its name";
            return false;
        }
        if (_extraRoots.Count > 0)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements.Skip(1))
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            using var leaf = new X509Certificate2(certificate);
            if (custom.Build(leaf))
            {
                return true;
            }
        }
        var status = chain?.ChainStatus.FirstOrDefault().StatusInformation?.Trim();
        problem = "the host's certificate is not trusted" + (string.IsNullOrEmpty(status) ? "" : $" ({status})") +
            "; if it is signed by a private CA, an operator can add that CA to Sandbox:Egress:UpstreamCaFile";
        return false;
    }
}
