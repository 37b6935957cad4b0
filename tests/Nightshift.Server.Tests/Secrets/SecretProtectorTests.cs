using Microsoft.AspNetCore.DataProtection;
using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Secrets;

public sealed class SecretProtectorTests : IDisposable
{
    private const string Value = "sk-test-protector-0123456789abcdef";

    private readonly TempDirectory _keys = new();
    private readonly TempDirectory _otherKeys = new();

    public void Dispose()
    {
        _keys.Dispose();
        _otherKeys.Dispose();
    }

    private static SecretProtector Protector(string keys) =>
        new(DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName(SecretsRegistration.ApplicationName)));

    [Fact]
    public void Unprotect_WhatWasProtected_GivesTheValueBack()
    {
        var protector = Protector(_keys.Path);

        var stored = protector.Protect(SecretPurpose.OrgSecret, Value, "acme/model.openai.api-key");

        protector.Unprotect(SecretPurpose.OrgSecret, stored, "acme/model.openai.api-key").ShouldBe(Value);
    }

    [Fact]
    public void Protect_AnyValue_IsMarkedAndDoesNotContainTheValue()
    {
        var protector = Protector(_keys.Path);

        var stored = protector.Protect(SecretPurpose.OutboundSigningSecret, Value);

        stored.ShouldStartWith(SecretProtector.Prefix);
        stored.ShouldNotContain(Value);
        stored.ShouldNotContain("0123456789abcdef");
        protector.IsProtected(stored).ShouldBeTrue();
        protector.IsProtected(Value).ShouldBeFalse();
    }

    [Fact]
    public void Protect_SameValueTwice_GivesDifferentCiphertexts()
    {
        var protector = Protector(_keys.Path);

        protector.Protect(SecretPurpose.OrgSecret, Value).ShouldNotBe(protector.Protect(SecretPurpose.OrgSecret, Value));
    }

    [Fact]
    public void Unprotect_AnotherPurpose_IsRefused()
    {
        var protector = Protector(_keys.Path);
        var stored = protector.Protect(SecretPurpose.OutboundUrl, "https://hooks.slack.example/services/T000/B000/XXXX");

        Should.Throw<SecretUnreadableException>(() => protector.Unprotect(SecretPurpose.OrgSecret, stored));
    }

    [Fact]
    public void Unprotect_CopiedToAnotherOrganisation_IsRefused()
    {
        var protector = Protector(_keys.Path);
        var stored = protector.Protect(SecretPurpose.OrgSecret, Value, "acme/model.openai.api-key");

        Should.Throw<SecretUnreadableException>(() => protector.Unprotect(SecretPurpose.OrgSecret, stored, "globex/model.openai.api-key"));
    }

    [Fact]
    public void Unprotect_Tampered_IsRefused()
    {
        var protector = Protector(_keys.Path);
        var stored = protector.Protect(SecretPurpose.OrgSecret, Value);
        var flipped = stored[..^3] + (stored[^3] == 'A' ? 'B' : 'A') + stored[^2..];

        Should.Throw<SecretUnreadableException>(() => protector.Unprotect(SecretPurpose.OrgSecret, flipped));
        Should.Throw<SecretUnreadableException>(() => protector.Unprotect(SecretPurpose.OrgSecret, SecretProtector.Prefix + "not-base64-at-all!"));
        Should.Throw<SecretUnreadableException>(() => protector.Unprotect(SecretPurpose.OrgSecret, SecretProtector.Prefix));
    }

    [Fact]
    public void Unprotect_AnotherServersKeyRing_SaysToShareTheKeyRing()
    {
        var stored = Protector(_keys.Path).Protect(SecretPurpose.OrgSecret, Value);

        var error = Should.Throw<SecretUnreadableException>(() => Protector(_otherKeys.Path).Unprotect(SecretPurpose.OrgSecret, stored));

        error.Message.ShouldContain("DataProtection:KeyStore=database");
        error.Message.ShouldNotContain(Value);
    }

    [Fact]
    public void Unprotect_SameKeyRingAfterRestart_GivesTheValueBack()
    {
        var stored = Protector(_keys.Path).Protect(SecretPurpose.OrgSecret, Value);

        Protector(_keys.Path).Unprotect(SecretPurpose.OrgSecret, stored).ShouldBe(Value);
    }

    [Fact]
    public void Unprotect_PlainTextFromBeforeEncryption_IsReturnedAsItIs()
    {
        var protector = Protector(_keys.Path);

        protector.Unprotect(SecretPurpose.OutboundSigningSecret, "whsec_plainvaluefrombefore").ShouldBe("whsec_plainvaluefrombefore");
    }
}
