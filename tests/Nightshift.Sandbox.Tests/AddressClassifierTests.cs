using System.Net;
using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox.Tests;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("192.0.2.10", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd12:3456::1", "unique local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped form of a loopback")]
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped form of a private")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped form of a link-local")]
    [InlineData("::ffff:100.64.0.1", "IPv4-mapped form of a carrier-grade NAT")]
    [InlineData("::ffff:0.0.0.0", "IPv4-mapped form of an unspecified")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("64:ff9b::7f00:1", "NAT64 form of a loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 form of a link-local")]
    [InlineData("2002:7f00:1::1", "6to4 form of a loopback")]
    [InlineData("2002:c0a8:101::1", "6to4 form of a private")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001:0:4136:e378::1", "Teredo")]
    public void WhyNotPublic_NonPublicAddress_SaysWhichClass(string address, string expected)
    {
        var why = AddressClassifier.WhyNotPublic(IPAddress.Parse(address));

        why.ShouldNotBeNull();
        why.ShouldContain(expected);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void WhyNotPublic_PublicAddress_IsNull(string address)
    {
        AddressClassifier.WhyNotPublic(IPAddress.Parse(address)).ShouldBeNull();
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 80, true)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8081, false)]
    [InlineData("10.0.0.0/8", "10.200.3.4", 443, true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", 443, false)]
    [InlineData("10.0.0.0/8:443", "10.0.0.1", 80, false)]
    [InlineData("[::1]:8080", "::1", 8080, true)]
    [InlineData("::1", "::1", 1, true)]
    [InlineData("[fd00::/8]:443", "fd12::1", 443, true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", 80, true)]
    public void EgressAllowance_ValidEntry_MatchesAddressAndPort(string entry, string address, int port, bool allowed)
    {
        var allowance = EgressAllowance.TryParse(entry, out var error);

        error.ShouldBeNull();
        allowance.ShouldNotBeNull().Allows(IPAddress.Parse(address), port).ShouldBe(allowed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("localhost")]
    [InlineData("example.com:443")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:http")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("fe80::1%eth0")]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32.33.34.35.36.37.38.39.40")]
    public void EgressAllowance_MalformedEntry_IsRefusedWithAReason(string entry)
    {
        EgressAllowance.TryParse(entry, out var error).ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void PublicInternetPolicy_PrivateAddress_RefusalNamesTheSetting()
    {
        var why = PublicInternetPolicy.Strict.CheckAddress(new EgressTarget("metadata", 80, "GET"), IPAddress.Parse("169.254.169.254"));

        why.ShouldNotBeNull();
        why.ShouldContain("Sandbox:Egress:AllowPrivate");
    }
}
