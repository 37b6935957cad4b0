using System.Net;
using Nightshift.Core.Network;

namespace Nightshift.Core.Tests.Network;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressCategory.Loopback)]
    [InlineData("127.255.255.254", AddressCategory.Loopback)]
    [InlineData("::1", AddressCategory.Loopback)]
    [InlineData("10.0.0.1", AddressCategory.Private)]
    [InlineData("10.255.255.255", AddressCategory.Private)]
    [InlineData("172.16.0.1", AddressCategory.Private)]
    [InlineData("172.31.255.255", AddressCategory.Private)]
    [InlineData("192.168.1.1", AddressCategory.Private)]
    [InlineData("fc00::1", AddressCategory.Private)]
    [InlineData("fd12:3456::1", AddressCategory.Private)]
    [InlineData("fec0::1", AddressCategory.Private)]
    [InlineData("169.254.1.1", AddressCategory.LinkLocal)]
    [InlineData("fe80::1", AddressCategory.LinkLocal)]
    [InlineData("fe80::1%2", AddressCategory.LinkLocal)]
    [InlineData("febf::1", AddressCategory.LinkLocal)]
    [InlineData("100.64.0.1", AddressCategory.SharedAddressSpace)]
    [InlineData("100.127.255.255", AddressCategory.SharedAddressSpace)]
    [InlineData("169.254.169.254", AddressCategory.Metadata)]
    [InlineData("fd00:ec2::254", AddressCategory.Metadata)]
    [InlineData("100.100.100.200", AddressCategory.Metadata)]
    [InlineData("0.0.0.0", AddressCategory.Unspecified)]
    [InlineData("0.1.2.3", AddressCategory.Unspecified)]
    [InlineData("::", AddressCategory.Unspecified)]
    [InlineData("224.0.0.1", AddressCategory.Multicast)]
    [InlineData("239.255.255.250", AddressCategory.Multicast)]
    [InlineData("ff02::1", AddressCategory.Multicast)]
    [InlineData("255.255.255.255", AddressCategory.Broadcast)]
    [InlineData("198.18.0.1", AddressCategory.Benchmarking)]
    [InlineData("198.19.255.255", AddressCategory.Benchmarking)]
    [InlineData("240.0.0.1", AddressCategory.Reserved)]
    [InlineData("192.0.0.170", AddressCategory.Reserved)]
    [InlineData("64:ff9b:1::1", AddressCategory.Reserved)]
    [InlineData("100::1", AddressCategory.Reserved)]
    public void Classify_SpecialRange_IsThatRange(string address, AddressCategory expected) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).ShouldBe(expected);

    [Theory]
    [InlineData("::ffff:127.0.0.1", AddressCategory.Loopback)]
    [InlineData("::ffff:7f00:1", AddressCategory.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressCategory.Private)]
    [InlineData("::ffff:169.254.169.254", AddressCategory.Metadata)]
    [InlineData("::ffff:100.64.0.1", AddressCategory.SharedAddressSpace)]
    [InlineData("::127.0.0.1", AddressCategory.Loopback)]
    [InlineData("::192.168.0.1", AddressCategory.Private)]
    [InlineData("64:ff9b::127.0.0.1", AddressCategory.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressCategory.Metadata)]
    [InlineData("2002:7f00:1::", AddressCategory.Loopback)]
    [InlineData("2002:c0a8:101::1", AddressCategory.Private)]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", AddressCategory.Loopback)]
    public void Classify_Ipv6CarryingIpv4_IsJudgedByTheIpv4Address(string address, AddressCategory expected) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).ShouldBe(expected);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("198.20.0.1")]
    [InlineData("192.0.2.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::")]
    public void Classify_PublicAddress_IsPublic(string address) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).ShouldBe(AddressCategory.Public);

    [Fact]
    public void Classify_Null_Throws() =>
        Should.Throw<ArgumentNullException>(() => AddressClassifier.Classify(null!));

    [Fact]
    public void Describe_EveryCategory_SaysWhatItIs()
    {
        foreach (var category in Enum.GetValues<AddressCategory>())
        {
            AddressClassifier.Describe(category).ShouldNotBeNullOrWhiteSpace();
        }
        AddressClassifier.Describe(AddressCategory.Loopback).ShouldContain("loopback");
    }
}
