using System.Security.Cryptography.X509Certificates;
using Nightshift.Sandbox.Network.Interception;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests.Interception;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EgressCertificateAuthorityTests
{
    [Fact]
    public void LoadOrCreate_FirstUse_MakesACaWithItsKeyPrivateAndItsCertificateBeside()
    {
        using var folder = new TempFolder();
        var path = Path.Join(folder.Path, "egress-ca");

        using var authority = EgressCertificateAuthority.LoadOrCreate(path, "worker-1");

        File.GetUnixFileMode(Path.Join(path, EgressCertificateAuthority.KeyFileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.ReadAllText(Path.Join(path, EgressCertificateAuthority.CertificateFileName)).ShouldBe(authority.CertificatePem);
        authority.CertificatePem.ShouldNotContain("PRIVATE KEY");
        authority.Certificate.Subject.ShouldContain("CN=Nightshift egress CA (worker-1)");
        authority.Certificate.HasPrivateKey.ShouldBeFalse();
        var constraints = authority.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().ShouldHaveSingleItem();
        constraints.CertificateAuthority.ShouldBeTrue();
        (authority.Certificate.NotAfter - authority.Certificate.NotBefore).TotalDays.ShouldBeGreaterThan(3650);
        Directory.GetFiles(path).Length.ShouldBe(2, "no temporary file is left behind");
    }

    [Fact]
    public void LoadOrCreate_SecondUse_ReadsTheSameCa()
    {
        using var folder = new TempFolder();

        using var first = EgressCertificateAuthority.LoadOrCreate(folder.Path, "w");
        using var second = EgressCertificateAuthority.LoadOrCreate(folder.Path, "w");

        second.Certificate.Thumbprint.ShouldBe(first.Certificate.Thumbprint);
    }

    [Fact]
    public async Task LoadOrCreate_ManyAtOnce_AllEndUpWithOneCa()
    {
        using var folder = new TempFolder();
        using var start = new ManualResetEventSlim();

        var loads = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait(TestKit.TestDefaults.Timeout);
            return EgressCertificateAuthority.LoadOrCreate(folder.Path, "race");
        })).ToList();
        start.Set();
        var authorities = await Task.WhenAll(loads);

        authorities.Select(a => a.Certificate.Thumbprint).Distinct().ShouldHaveSingleItem();
        foreach (var authority in authorities)
        {
            authority.Dispose();
        }
        Directory.GetFiles(folder.Path).Length.ShouldBe(2);
    }

    [Fact]
    public void LoadOrCreate_CertificateOfAnotherKey_FailsSayingHowToStartOver()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();
        EgressCertificateAuthority.LoadOrCreate(one.Path, "a").Dispose();
        EgressCertificateAuthority.LoadOrCreate(two.Path, "b").Dispose();
        File.Copy(Path.Join(two.Path, EgressCertificateAuthority.CertificateFileName), Path.Join(one.Path, EgressCertificateAuthority.CertificateFileName), overwrite: true);

        Should.Throw<InvalidOperationException>(() => EgressCertificateAuthority.LoadOrCreate(one.Path, "a")).Message.ShouldContain("remove both files");
    }

    [Fact]
    public void LoadOrCreate_KeyWithoutCertificate_MakesTheCertificateForTheKeyAfterWaiting()
    {
        using var folder = new TempFolder();
        var time = new TestKit.Time.ManualClock(DateTimeOffset.UtcNow);
        EgressCertificateAuthority.LoadOrCreate(folder.Path, "a").Dispose();
        var key = File.ReadAllText(Path.Join(folder.Path, EgressCertificateAuthority.KeyFileName));
        File.Delete(Path.Join(folder.Path, EgressCertificateAuthority.CertificateFileName));
        time.Advance(TimeSpan.FromMinutes(1));

        using var authority = EgressCertificateAuthority.LoadOrCreate(folder.Path, "a", new AdvancingTime(time));

        File.ReadAllText(Path.Join(folder.Path, EgressCertificateAuthority.KeyFileName)).ShouldBe(key);
        authority.Certificate.GetECDsaPublicKey().ShouldNotBeNull();
    }

    [Theory]
    [InlineData("registry.example.org")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void LeafFor_Host_IsForThatHostSignedByTheCaAndCached(string host)
    {
        using var folder = new TempFolder();
        using var authority = EgressCertificateAuthority.LoadOrCreate(folder.Path, "w");

        var context = authority.LeafFor(host);
        var leaf = context.TargetCertificate;

        leaf.HasPrivateKey.ShouldBeTrue();
        leaf.MatchesHostname(host).ShouldBeTrue();
        leaf.MatchesHostname("other.example").ShouldBeFalse();
        leaf.NotAfter.ShouldBeLessThan(DateTime.Now.AddDays(3));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(leaf).ShouldBeTrue();
        authority.LeafFor(host.ToUpperInvariant()).ShouldBeSameAs(context);
    }

    /// <summary>A clock that moves on a second each time it is read, so a wait with a deadline ends without real waiting.</summary>
    private sealed class AdvancingTime(TestKit.Time.ManualClock inner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            inner.Advance(TimeSpan.FromSeconds(1));
            return inner.GetUtcNow();
        }
    }
}
