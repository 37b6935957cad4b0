using System.Net;
using Nightshift.Core.Configuration;
using Nightshift.Server.Auth;
using Nightshift.Server.Hosting;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests;

public sealed class AuthTests
{
    [Fact]
    public void Initialize_FirstStart_CreatesOwnerOnlyTokenFileAndPrintsItOnce_SecondStartReusesIt()
    {
        using var data = new TempDirectory();
        var firstOutput = new StringWriter();
        var secondOutput = new StringWriter();

        var first = ApiTokenAuthority.Initialize(data.Path, configuredToken: null, firstOutput);
        var tokenFile = NightshiftPaths.TokenFile(data.Path);
        var token = File.ReadAllText(tokenFile).Trim();
        var second = ApiTokenAuthority.Initialize(data.Path, configuredToken: null, secondOutput);

        token.ShouldStartWith("ns_");
        token.Length.ShouldBe(3 + 43);
        File.GetUnixFileMode(tokenFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        firstOutput.ToString().ShouldBe($"API token: a new one was generated and saved in {tokenFile} (readable by you only){Environment.NewLine}");
        firstOutput.ToString().ShouldNotContain(token);
        secondOutput.ToString().ShouldBeEmpty();
        File.ReadAllText(tokenFile).Trim().ShouldBe(token);
        first.IsValid(token).ShouldBeTrue();
        second.IsValid(token).ShouldBeTrue();
        second.IsValid(token + "x").ShouldBeFalse();
        second.IsValid("").ShouldBeFalse();
        File.ReadAllText(Path.Combine(data.Path, ApiTokenAuthority.HashFileName)).ShouldNotContain(token);
    }

    [Fact]
    public void Initialize_TokenFileReadableByOthers_IsTightenedToOwnerOnly()
    {
        using var data = new TempDirectory();
        ApiTokenAuthority.Initialize(data.Path, configuredToken: null, console: null);
        var tokenFile = NightshiftPaths.TokenFile(data.Path);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ApiTokenAuthority.Initialize(data.Path, configuredToken: null, console: null);

        File.GetUnixFileMode(tokenFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void Initialize_TokenFileDeleted_KeepsAcceptingTheOldTokenAndSaysHowToGetANewOne()
    {
        using var data = new TempDirectory();
        ApiTokenAuthority.Initialize(data.Path, configuredToken: null, console: null);
        var token = File.ReadAllText(NightshiftPaths.TokenFile(data.Path)).Trim();
        File.Delete(NightshiftPaths.TokenFile(data.Path));

        var authority = ApiTokenAuthority.Initialize(data.Path, configuredToken: null, console: null);

        authority.IsValid(token).ShouldBeTrue();
        authority.WhereToFindIt.ShouldContain(ApiTokenAuthority.HashFileName);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has a space inside of it")]
    public void Initialize_UnsafeConfiguredToken_IsRefusedNamingTheSetting(string configured)
    {
        using var data = new TempDirectory();

        var error = Should.Throw<ServerConfigurationException>(() => ApiTokenAuthority.Initialize(data.Path, configured, console: null));

        error.Message.ShouldContain("NIGHTSHIFT__Auth__Token");
    }

    [Fact]
    public async Task Server_ConfiguredToken_ReplacesTheGeneratedOne()
    {
        using var data = new TempDirectory();
        await using (await RunningServer.StartAsync(dataDirectory: data.Path))
        {
        }
        var generated = File.ReadAllText(NightshiftPaths.TokenFile(data.Path)).Trim();
        const string configured = "a-configured-token-of-some-length";
        File.WriteAllText(NightshiftPaths.TokenFile(data.Path), configured);

        await using var server = await RunningServer.StartAsync(o => o.Token = configured, dataDirectory: data.Path);
        using var withGenerated = server.CreateClient(generated);
        using var refused = await withGenerated.GetAsync("/api/v1/tasks");
        using var accepted = await server.Client.GetAsync("/api/v1/tasks");

        var problem = await ApiCalls.ShouldBeProblemAsync(refused, HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldContain("NIGHTSHIFT__Auth__Token");
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:7700")]
    [InlineData("http://192.168.10.20:7700")]
    [InlineData("http://nightshift.example.com:7700")]
    public void BuildServer_NonLoopbackAddressWithoutConfiguredToken_IsRefusedNamingTheSetting(string url)
    {
        using var data = new TempDirectory();

        var error = Should.Throw<ServerConfigurationException>(() => NightshiftHost.BuildServer(new NightshiftServerOptions
        {
            DataDirectory = data.Path,
            Urls = [url],
            RunWorker = false,
            WriteConsoleMessages = false,
        }));

        error.Message.ShouldContain("NIGHTSHIFT__Auth__Token");
        error.Message.ShouldContain(url);
        File.Exists(NightshiftPaths.TokenFile(data.Path)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("http://127.0.0.1:7700", true)]
    [InlineData("http://localhost:7700", true)]
    [InlineData("http://[::1]:7700", true)]
    [InlineData("http://127.8.9.10:0", true)]
    [InlineData("http://0.0.0.0:7700", false)]
    [InlineData("http://[::]:7700", false)]
    [InlineData("http://+:7700", false)]
    [InlineData("http://10.0.0.1:7700", false)]
    public void IsLoopback_Addresses_AreClassified(string url, bool loopback) =>
        BindingPolicy.IsLoopback(url).ShouldBe(loopback);

    [Fact]
    public async Task Server_Started_WritesServerJsonWithTheRealPort_AndRemovesItOnStop()
    {
        using var data = new TempDirectory();
        var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        var info = ServerInfoFile.TryRead(data.Path);
        await server.DisposeAsync();

        info.ShouldNotBeNull();
        info.Url.ShouldBe(server.Url);
        info.Url.ShouldStartWith("http://127.0.0.1:");
        new Uri(info.Url).Port.ShouldBeGreaterThan(0);
        info.Pid.ShouldBe(Environment.ProcessId);
        File.Exists(ServerInfoFile.PathIn(data.Path)).ShouldBeFalse();
    }
}
