using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Forges;
using Nightshift.Forges.GitHub;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Time;

namespace Nightshift.Forges.Tests.GitHub;

public sealed class GitHubAppTokenTests : IAsyncLifetime
{
    private const long AppId = 424242;
    private const long Installation = 77;
    private readonly SocketsHttpHandler _handler = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _public = RSA.Create();
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        _public.ImportRSAPublicKey(_key.ExportRSAPublicKey(), out _);
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.App = new FakeGitHubApp(AppId, _public, Installation);
        _github.AddRepository("acme", "calc");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _handler.Dispose();
        _key.Dispose();
        _public.Dispose();
    }

    private GitHubAppToken App(long? installation = Installation, TimeProvider? time = null, RSA? key = null) =>
        new("Forges:github", AppId, key ?? _key, installation, _github.ApiUrl, _handler, time ?? TimeProvider.System);

    private static readonly ForgeRepository Calc = new("github.com", "acme", "calc");

    [Fact]
    public async Task GetAsync_ConfiguredInstallation_ExchangesASignedJwtForATokenNarrowedToTheRepository()
    {
        using var app = App();
        using var token = app.ForRepository(Calc);

        var value = await token.GetAsync(TestDefaults.TimeoutToken());

        var grant = _github.Grants.ShouldHaveSingleItem();
        grant.Token.ShouldBe(value);
        grant.InstallationId.ShouldBe(Installation);
        grant.Repositories.ShouldBe(["calc"]);
        grant.Permissions.ShouldBe(new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write" });
        _github.Calls.ShouldHaveSingleItem().Path.ShouldBe($"/app/installations/{Installation}/access_tokens");
    }

    [Fact]
    public async Task GetAsync_NoInstallationConfigured_LooksItUpForTheRepository()
    {
        using var app = App(installation: null);
        using var token = app.ForRepository(Calc);

        await token.GetAsync(TestDefaults.TimeoutToken());

        _github.Calls.Select(c => $"{c.Method} {c.Path} {c.Status}").ShouldBe(
            ["GET /repos/acme/calc/installation 200", $"POST /app/installations/{Installation}/access_tokens 201"]);
    }

    [Fact]
    public async Task GetAsync_AppNotInstalledOnTheRepository_SaysToInstallIt()
    {
        using var app = App(installation: null);
        using var token = app.ForRepository(new ForgeRepository("github.com", "acme", "elsewhere"));

        var error = await Should.ThrowAsync<ForgeException>(async () => await token.GetAsync(TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("not installed on acme/elsewhere");
        error.Message.ShouldContain("Forges:github:InstallationId");
    }

    [Fact]
    public async Task GetAsync_NoRepositoryAndNoInstallation_SaysToSetTheInstallation()
    {
        using var app = App(installation: null);

        var error = await Should.ThrowAsync<ForgeException>(async () => await app.GetAsync(TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("Forges:github:InstallationId");
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetAsync_KeyOfAnotherApp_IsRefusedWith401NamingTheAppSettings()
    {
        using var other = RSA.Create(2048);
        using var app = App(key: other);

        var error = await Should.ThrowAsync<ForgeException>(async () => await app.GetAsync(TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(401);
        error.Message.ShouldContain("Forges:github:PrivateKeyFile");
        _github.Grants.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetAsync_Twice_ReusesTheTokenUntilItNearsExpiry()
    {
        _github.InstallationTokenLifetime = TimeSpan.FromMinutes(6);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var app = App(time: clock);

        var first = await app.GetAsync(TestDefaults.TimeoutToken());
        var again = await app.GetAsync(TestDefaults.TimeoutToken());
        clock.Advance(TimeSpan.FromSeconds(90));
        var refreshed = await app.GetAsync(TestDefaults.TimeoutToken());

        again.ShouldBe(first);
        refreshed.ShouldNotBe(first);
        _github.Grants.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_ExchangeAnswersGarbage_SaysTheApiUrlIsWrong()
    {
        _github.Script(new FakeGitHubFailure("POST", "/app/installations/", 201, "no token here"));
        using var app = App();

        var error = await Should.ThrowAsync<ForgeException>(async () => await app.GetAsync(TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("Forges:github:ApiUrl");
    }

    [Fact]
    public void CreateJwt_Claims_AreRs256WithIatBackdatedAndExpWithinTenMinutes()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var app = App(time: clock);

        var parts = app.CreateJwt().Split('.');

        parts.Length.ShouldBe(3);
        var payload = System.Text.Json.JsonDocument.Parse(FromBase64Url(parts[1])).RootElement;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        payload.GetProperty("iat").GetInt64().ShouldBe(now - 60);
        (payload.GetProperty("exp").GetInt64() - now).ShouldBeInRange(60, 600);
        payload.GetProperty("iss").GetString().ShouldBe("424242");
        _public.VerifyData(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).ShouldBeTrue();
    }

    [Fact]
    public async Task OpenAsync_AsAnApp_OpensThePullRequestWithTheInstallationToken()
    {
        using var app = App();
        using var token = app.ForRepository(Calc);
        var forge = new GitHubForge(new ForgeEndpoint("github", ForgeKind.GitHub, _github.Host, _github.ApiUrl, token, [], []), _handler, TimeProvider.System, NullLogger.Instance);

        await forge.OpenAsync(new PullRequestDraft("01JTASK", $"http://{_github.Host}/acme/calc", "nightshift/x", "main", "T", "B", "", false), TestDefaults.TimeoutToken());

        var grant = _github.Grants.ShouldHaveSingleItem();
        _github.Calls.Single(c => c.Path == "/repos/acme/calc/pulls").Authorization.ShouldBe($"Bearer {grant.Token}");
        token.ToString().ShouldNotContain(grant.Token);
    }

    private static byte[] FromBase64Url(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
