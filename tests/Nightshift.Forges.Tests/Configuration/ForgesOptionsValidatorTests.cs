using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Nightshift.Forges.Configuration;

namespace Nightshift.Forges.Tests.Configuration;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ForgesOptionsValidatorTests : IDisposable
{
    private const string Secret = "github_pat_SECRETVALUE";
    private readonly string _folder = Directory.CreateTempSubdirectory("ns-forges-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ForgesOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new ForgesOptions();
        configuration.GetSection(ForgesOptions.SectionName).Bind(options);
        return options;
    }

    private static IReadOnlyList<string> Failures(ForgesOptions options) =>
        new ForgesOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    private string SecretFile(string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Validate_GitHubTokenAlone_PassesWithGitHubComDefaults()
    {
        var options = Bind(("Forges:github:Token", Secret));

        Failures(options).ShouldBeEmpty();
        ForgeDefaults.Kind("github", options["github"], out _).ShouldBe(Core.Forges.ForgeKind.GitHub);
        ForgeDefaults.Host(Core.Forges.ForgeKind.GitHub, options["github"]).ShouldBe("github.com");
        ForgeDefaults.ApiUrl(Core.Forges.ForgeKind.GitHub, "github.com", options["github"]).ShouldBe(new Uri("https://api.github.com/"));
    }

    [Fact]
    public void Validate_EnterpriseHost_DefaultsTheApiToApiV3()
    {
        var options = Bind(("Forges:work:Kind", "github"), ("Forges:work:Host", "GHE.Example.com"), ("Forges:work:Token", Secret));

        Failures(options).ShouldBeEmpty();
        ForgeDefaults.ApiUrl(Core.Forges.ForgeKind.GitHub, ForgeDefaults.Host(Core.Forges.ForgeKind.GitHub, options["work"])!, options["work"])
            .ShouldBe(new Uri("https://ghe.example.com/api/v3/"));
    }

    [Fact]
    public void Validate_NothingConfigured_Passes()
    {
        Failures(new ForgesOptions()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Forges:work:Token", Secret, "Forges:work:Kind")]
    [InlineData("Forges:github:Kind", "bitbucket", "Forges:github:Kind")]
    [InlineData("Forges:gitea:Token", Secret, "Forges:gitea:Host")]
    public void Validate_KindOrHostUnknowable_NamesTheSetting(string key, string value, string setting)
    {
        var failure = Failures(Bind((key, value))).ShouldHaveSingleItem();

        failure.ShouldStartWith(setting);
        failure.ShouldContain("NIGHTSHIFT__");
    }

    [Theory]
    [InlineData("https://github.com")]
    [InlineData("github.com/acme")]
    [InlineData("git hub.com")]
    [InlineData("github.com:99999999")]
    public void Validate_HostNotAHostName_NamesTheHostSetting(string host)
    {
        Failures(Bind(("Forges:github:Host", host), ("Forges:github:Token", Secret))).ShouldHaveSingleItem().ShouldStartWith("Forges:github:Host");
    }

    [Theory]
    [InlineData("ftp://api.example.com")]
    [InlineData("not a url")]
    [InlineData("https://user:pw@api.example.com/")]
    [InlineData("https://api.example.com/?x=1")]
    public void Validate_ApiUrlNotAnHttpAddress_NamesTheApiUrlSetting(string api)
    {
        var failure = Failures(Bind(("Forges:github:ApiUrl", api), ("Forges:github:Token", Secret))).ShouldHaveSingleItem();

        failure.ShouldStartWith("Forges:github:ApiUrl");
        failure.ShouldNotContain("pw@");
    }

    [Fact]
    public void Validate_NoCredential_SaysWhichSettingsGiveOne()
    {
        var failure = Failures(Bind(("Forges:github:Host", "github.com"))).ShouldHaveSingleItem();

        failure.ShouldContain("Forges:github:Token");
        failure.ShouldContain("Forges:github:AppId");
    }

    [Fact]
    public void Validate_TwoCredentials_AsksForOne()
    {
        Failures(Bind(("Forges:github:Token", Secret), ("Forges:github:AppId", "5"))).ShouldHaveSingleItem().ShouldContain("only one of them");
    }

    [Theory]
    [InlineData("\u0007")]
    [InlineData("two words")]
    [InlineData("line\nbreak")]
    public void Validate_MalformedToken_FailsWithoutRepeatingIt(string token)
    {
        var failure = Failures(Bind(("Forges:github:Token", token + "SECRETVALUE"))).ShouldHaveSingleItem();

        failure.ShouldStartWith("Forges:github:Token");
        failure.ShouldNotContain("SECRETVALUE");
    }

    [Fact]
    public void Validate_OversizedToken_Fails()
    {
        Failures(Bind(("Forges:github:Token", new string('t', 5_000)))).ShouldHaveSingleItem().ShouldStartWith("Forges:github:Token");
    }

    [Fact]
    public void Validate_TokenFileReadableByOthers_AsksForChmod600()
    {
        var file = SecretFile(Secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var failure = Failures(Bind(("Forges:github:TokenFile", file))).ShouldHaveSingleItem();

        failure.ShouldStartWith("Forges:github:TokenFile");
        failure.ShouldContain("chmod 600");
        failure.ShouldNotContain(Secret);
    }

    [Fact]
    public void Validate_TokenFilePrivate_Passes()
    {
        Failures(Bind(("Forges:github:TokenFile", SecretFile(Secret + "\n")))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("relative/token")]
    [InlineData("/nonexistent/token")]
    public void Validate_TokenFileMissingOrRelative_NamesTheSetting(string path)
    {
        Failures(Bind(("Forges:github:TokenFile", path))).ShouldHaveSingleItem().ShouldStartWith("Forges:github:TokenFile");
    }

    [Fact]
    public void Validate_TokenFileEmptyOrHuge_Fails()
    {
        Failures(Bind(("Forges:github:TokenFile", SecretFile("")))).ShouldHaveSingleItem().ShouldContain("empty");
        Failures(Bind(("Forges:github:TokenFile", SecretFile(new string('x', ForgeSecretFiles.MaxBytes + 1))))).ShouldHaveSingleItem().ShouldContain("bytes");
    }

    [Fact]
    public void Validate_TokenFileIsALink_Fails()
    {
        var link = Path.Combine(_folder, "link");
        File.CreateSymbolicLink(link, SecretFile(Secret));

        Failures(Bind(("Forges:github:TokenFile", link))).ShouldHaveSingleItem().ShouldContain("not a regular file");
    }

    [Fact]
    public void Validate_AppWithPemKey_Passes()
    {
        using var key = RSA.Create(2048);

        Failures(Bind(("Forges:github:AppId", "12"), ("Forges:github:PrivateKeyFile", SecretFile(key.ExportRSAPrivateKeyPem())), ("Forges:github:InstallationId", "3")))
            .ShouldBeEmpty();
    }

    [Fact]
    public void Validate_AppKeyNotPem_SaysToDownloadTheKey()
    {
        var failure = Failures(Bind(("Forges:github:AppId", "12"), ("Forges:github:PrivateKeyFile", SecretFile("hello")))).ShouldHaveSingleItem();

        failure.ShouldStartWith("Forges:github:PrivateKeyFile");
        failure.ShouldContain(".pem");
    }

    [Fact]
    public void Validate_AppWithoutKeyOrId_NamesBoth()
    {
        var failures = Failures(Bind(("Forges:github:InstallationId", "-4")));

        failures.ShouldContain(f => f.StartsWith("Forges:github:AppId", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Forges:github:InstallationId", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Forges:github:PrivateKeyFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AppOnGitLab_IsRefused()
    {
        Failures(Bind(("Forges:gitlab:AppId", "12"))).ShouldHaveSingleItem().ShouldStartWith("Forges:gitlab:AppId");
    }

    [Fact]
    public void Validate_TwoEntriesOnOneHost_IsRefused()
    {
        Failures(Bind(("Forges:github:Token", Secret), ("Forges:other:Kind", "github"), ("Forges:other:Token", Secret)))
            .ShouldHaveSingleItem().ShouldContain("already serves");
    }

    [Fact]
    public void Validate_HostileEntryName_IsRefused()
    {
        Failures(Bind(("Forges:-bad name!:Token", Secret))).ShouldHaveSingleItem().ShouldContain("name forge entries with");
    }

    [Fact]
    public void Validate_TooManyLabelsOrBadReviewer_NamesTheEntry()
    {
        var settings = Enumerable.Range(0, 21).Select(i => ($"Forges:github:Labels:{i}", $"l{i}")).Append(("Forges:github:Token", Secret)).ToArray();
        Failures(Bind(settings)).ShouldHaveSingleItem().ShouldStartWith("Forges:github:Labels");

        Failures(Bind(("Forges:github:Token", Secret), ("Forges:github:Reviewers:0", "alice; rm -rf")))
            .ShouldHaveSingleItem().ShouldStartWith("Forges:github:Reviewers:0");
    }

    [Fact]
    public void Validate_TooManyEntries_IsRefused()
    {
        var settings = Enumerable.Range(0, 40).Select(i => ($"Forges:f{i}:Kind", "gitea")).ToArray();

        Failures(Bind(settings)).ShouldContain(f => f.Contains("at most 32", StringComparison.Ordinal));
    }
}
