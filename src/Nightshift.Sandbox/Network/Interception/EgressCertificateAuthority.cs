using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// The installation's own certificate authority for the egress proxy: it signs the certificates the proxy shows a
/// jailed command for the hosts it intercepts (credentialed hosts, and hosts whose requests the policy inspects). Made
/// on first use (ECDSA P-256, ten years) in a folder of the worker's own: the key in <c>ca.key</c> (mode 0600, never
/// mounted into a jail), the certificate in <c>ca.pem</c> beside it, which jails trust through their CA bundle. Two
/// processes making it at once end up with one: the key file is published with a rename that refuses to replace,
/// and the loser reads the winner's. Leaf certificates are minted per host on demand and kept in memory.
/// </summary>
public sealed class EgressCertificateAuthority : IDisposable
{
    /// <summary>The key's file name in the folder.</summary>
    public const string KeyFileName = "ca.key";

    /// <summary>The certificate's file name in the folder.</summary>
    public const string CertificateFileName = "ca.pem";

    private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(2);
    private static readonly TimeSpan LeafRenewBefore = TimeSpan.FromHours(6);
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3652);
    private static readonly TimeSpan PublishPatience = TimeSpan.FromSeconds(10);

    /// <summary>Held (created exclusively) by the one maker publishing a new CA; removed when it is done.</summary>
    private const string ClaimFileName = ".ca.publishing";
    private const int MaxLeaves = 1024;

    private readonly X509Certificate2 _certificate;
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (SslStreamCertificateContext Context, X509Certificate2 Leaf, DateTimeOffset Until)> _leaves = new(StringComparer.OrdinalIgnoreCase);
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private EgressCertificateAuthority(X509Certificate2 certificate, ECDsa key, TimeProvider time)
    {
        _certificate = certificate;
        _key = key;
        _time = time;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The CA certificate (public half only) in PEM, for the jail's CA bundle.</summary>
    public string CertificatePem { get; }

    /// <summary>The CA certificate (without its key).</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>
    /// Reads the CA in <paramref name="folder"/>, making it first when there is none. <paramref name="installation"/>
    /// names it: <c>Nightshift egress CA (installation)</c>.
    /// </summary>
    public static EgressCertificateAuthority LoadOrCreate(string folder, string installation, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        time ??= TimeProvider.System;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var keyPath = Path.Join(folder, KeyFileName);
        var certificatePath = Path.Join(folder, CertificateFileName);
        if (!File.Exists(keyPath))
        {
            Publish(folder, keyPath, certificatePath, installation, time);
        }
        return Read(keyPath, certificatePath, installation, time);
    }

    /// <summary>The certificate the proxy shows for <paramref name="host"/> (a name or an address), with the CA behind it.</summary>
    public SslStreamCertificateContext LeafFor(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var now = _time.GetUtcNow();
        if (_leaves.TryGetValue(host, out var cached) && cached.Until - LeafRenewBefore > now)
        {
            return cached.Context;
        }
        if (_leaves.Count >= MaxLeaves)
        {
            _leaves.Clear();
        }
        var leaf = MintLeaf(host, now);
        var context = SslStreamCertificateContext.Create(leaf, [_certificate], offline: true);
        _leaves[host] = (context, leaf, leaf.NotAfter);
        return context;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        _leafKey.Dispose();
        foreach (var (_, leaf, _) in _leaves.Values)
        {
            leaf.Dispose();
        }
    }

    private X509Certificate2 MintLeaf(string host, DateTimeOffset now)
    {
        var name = host.TrimEnd('.');
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + (IPAddress.TryParse(name, out _) ? name : name.Replace(",", "", StringComparison.Ordinal))), _leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(name, out var address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var notAfter = now + LeafValidity;
        if (notAfter > _certificate.NotAfter)
        {
            notAfter = _certificate.NotAfter;
        }
        using var signer = _certificate.CopyWithPrivateKey(_key);
        using var issued = request.Create(signer, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(_leafKey);
    }

    private static void Publish(string folder, string keyPath, string certificatePath, string installation, TimeProvider time)
    {
        // File.Move without overwrite is a check and a rename on Unix, not one step: two makers could each publish a key
        // and one pair would end mismatched. A claim file created exclusively (O_EXCL) lets one maker publish at a time;
        // under it the key is looked for again. A claim older than the patience is a maker that died holding it.
        var claimPath = Path.Join(folder, ClaimFileName);
        var deadline = time.GetUtcNow() + PublishPatience;
        FileStream? claim = null;
        while (claim is null)
        {
            try
            {
                claim = new FileStream(claimPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (File.Exists(claimPath))
            {
                if (File.Exists(keyPath))
                {
                    return;
                }
                if (time.GetUtcNow() > deadline)
                {
                    File.Delete(claimPath);
                    deadline = time.GetUtcNow() + PublishPatience;
                    continue;
                }
                Thread.Sleep(20);
            }
        }
        try
        {
            if (!File.Exists(keyPath))
            {
                PublishClaimed(folder, keyPath, certificatePath, installation, time);
            }
        }
        finally
        {
            claim.Dispose();
            File.Delete(claimPath);
        }
    }

    private static void PublishClaimed(string folder, string keyPath, string certificatePath, string installation, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = CreateCaCertificate(key, installation, time.GetUtcNow());
        var unique = Guid.NewGuid().ToString("N");
        var keyTemporary = Path.Join(folder, $".{KeyFileName}.{unique}.tmp");
        var certificateTemporary = Path.Join(folder, $".{CertificateFileName}.{unique}.tmp");
        try
        {
            WritePrivate(keyTemporary, key.ExportPkcs8PrivateKeyPem() + "\n");
            WritePrivate(certificateTemporary, certificate.ExportCertificatePem() + "\n");
            try
            {
                // No overwrite: of two processes making the CA at once, exactly one key is published.
                File.Move(keyTemporary, keyPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(keyPath))
            {
                return;
            }
            File.Move(certificateTemporary, certificatePath, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(certificatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }
        finally
        {
            File.Delete(keyTemporary);
            File.Delete(certificateTemporary);
        }
    }

    private static EgressCertificateAuthority Read(string keyPath, string certificatePath, string installation, TimeProvider time)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            var deadline = time.GetUtcNow() + PublishPatience;
            while (true)
            {
                // The process that published the key writes the certificate right after it.
                if (File.Exists(certificatePath))
                {
                    var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
                    if (certificate.GetECDsaPublicKey() is { } published && published.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                    {
                        published.Dispose();
                        return new EgressCertificateAuthority(certificate, key, time);
                    }
                    certificate.Dispose();
                    throw new InvalidOperationException($"the egress CA's certificate {certificatePath} does not belong to its key {keyPath}; remove both files to make a new CA (jails trust the new one from their next command)");
                }
                if (time.GetUtcNow() > deadline)
                {
                    // The publisher died between its two renames: the key stands, its certificate is made anew.
                    using var remade = CreateCaCertificate(key, installation, time.GetUtcNow());
                    var temporary = certificatePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
                    WritePrivate(temporary, remade.ExportCertificatePem() + "\n");
                    try
                    {
                        File.Move(temporary, certificatePath, overwrite: false);
                    }
                    catch (IOException) when (File.Exists(certificatePath))
                    {
                        File.Delete(temporary);
                    }
                    continue;
                }
                Thread.Sleep(50);
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static X509Certificate2 CreateCaCertificate(ECDsa key, string installation, DateTimeOffset now)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("Nightshift");
        name.AddCommonName($"Nightshift egress CA ({installation})");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddHours(-1), now + CaValidity);
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
