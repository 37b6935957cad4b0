using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Secrets;

public sealed class KeyRingOptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(KeyRingOptions options) =>
        new KeyRingOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_Defaults_Pass() => Failures(new KeyRingOptions()).ShouldBeEmpty();

    [Fact]
    public void Validate_DatabaseStore_Passes() => Failures(new KeyRingOptions { KeyStore = "database" }).ShouldBeEmpty();

    [Fact]
    public void Validate_AbsoluteKeysDirectory_Passes() => Failures(new KeyRingOptions { KeysDirectory = "/srv/nightshift/keys" }).ShouldBeEmpty();

    [Theory]
    [InlineData("Folder")]
    [InlineData("redis")]
    [InlineData("")]
    [InlineData("folder\n")]
    public void Validate_UnknownKeyStore_NamesTheSetting(string store) =>
        Failures(new KeyRingOptions { KeyStore = store }).ShouldHaveSingleItem().ShouldContain("DataProtection:KeyStore");

    [Theory]
    [InlineData("keys")]
    [InlineData("./keys")]
    [InlineData("")]
    [InlineData("/srv/\u0001keys")]
    public void Validate_RelativeOrHostileKeysDirectory_NamesTheSetting(string folder) =>
        Failures(new KeyRingOptions { KeysDirectory = folder }).ShouldContain(f => f.Contains("DataProtection:KeysDirectory"));

    [Fact]
    public void Validate_DatabaseStoreWithAFolder_IsRefused() =>
        Failures(new KeyRingOptions { KeyStore = "database", KeysDirectory = "/srv/keys" }).ShouldHaveSingleItem().ShouldContain("remove one of them");

    [Fact]
    public void Prepare_NewFolder_IsOwnerOnly()
    {
        using var data = new TempDirectory();
        var folder = Path.Combine(data.Path, "keys");

        KeyFolder.Prepare(folder);

        File.GetUnixFileMode(folder).ShouldBe(KeyFolder.OwnerOnly);
    }

    [Fact]
    public void Prepare_ExistingOpenFolder_IsClosed()
    {
        using var data = new TempDirectory();
        var folder = Path.Combine(data.Path, "keys");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, KeyFolder.OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        KeyFolder.Prepare(folder);

        File.GetUnixFileMode(folder).ShouldBe(KeyFolder.OwnerOnly);
    }
}
