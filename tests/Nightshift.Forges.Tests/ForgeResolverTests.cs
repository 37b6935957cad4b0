using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Forges;
using Nightshift.Forges.Configuration;
using Nightshift.Forges.GitHub;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;

namespace Nightshift.Forges.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ForgeResolverTests : IAsyncLifetime
{
    private const string Token = "github_pat_RESOLVERSECRET";
    private readonly string _data = Directory.CreateTempSubdirectory("ns-resolver-").FullName;
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository("acme", "calc");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private ForgeResolver Resolver(ForgesOptions options) =>
        new(new LocalForge(TimeProvider.System), Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);

    private ForgesOptions FakeGitHub(string token = Token) => new()
    {
        ["github"] = new ForgeSettings { Host = _github.Host, ApiUrl = _github.ApiUrl.ToString(), Token = token },
    };

    [Fact]
    public void Resolve_NothingConfigured_IsTheLocalForgeWithoutCredentials()
    {
        using var resolver = Resolver(new ForgesOptions());

        var target = resolver.Resolve("https://github.com/acme/calc");

        target.Forge.Name.ShouldBe("local");
        target.Endpoint.ShouldBeNull();
        resolver.Endpoints.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/srv/repos/calc")]
    [InlineData("https://gitlab.com/acme/calc")]
    [InlineData("https://github.com.evil.example/acme/calc")]
    public void Resolve_LocalPathOrUnconfiguredHost_IsTheLocalForge(string repo)
    {
        using var resolver = Resolver(new ForgesOptions { ["github"] = new ForgeSettings { Token = Token } });

        resolver.Resolve(repo).Forge.Name.ShouldBe("local");
    }

    [Theory]
    [InlineData("https://github.com/acme/calc")]
    [InlineData("git@github.com:acme/calc.git")]
    [InlineData("https://GITHUB.COM/acme/calc.git")]
    public async Task Resolve_GitHubAddress_IsGitHubWithTheTokenForPush(string repo)
    {
        using var resolver = Resolver(new ForgesOptions { ["github"] = new ForgeSettings { Token = Token } });

        var target = resolver.Resolve(repo);
        var login = await target.PushLoginAsync(TestDefaults.TimeoutToken());

        target.Forge.ShouldBeOfType<GitHubForge>();
        target.Repository.ShouldBe(new ForgeRepository("github.com", "acme", "calc"));
        login.ShouldBe(new ForgePushLogin("x-access-token", Token));
        login!.ToString().ShouldNotContain(Token);
        target.Endpoint!.ApiUrl.ShouldBe(new Uri("https://api.github.com/"));
    }

    [Fact]
    public void Resolve_SameHostTwice_ReusesTheClient()
    {
        using var resolver = Resolver(new ForgesOptions { ["github"] = new ForgeSettings { Token = Token } });

        resolver.Resolve("https://github.com/acme/calc").Forge.ShouldBeSameAs(resolver.Resolve("https://github.com/acme/other").Forge);
    }

    [Theory]
    [InlineData("gitlab", "https://gitlab.com/acme/calc", "gitlab", "oauth2")]
    [InlineData("gitea", "https://git.example.com/acme/calc", "gitea", "nightshift")]
    public async Task Resolve_GitLabOrGiteaEntry_GivesItsClientAndPushLogin(string kind, string repo, string forge, string username)
    {
        using var resolver = Resolver(new ForgesOptions { [kind] = new ForgeSettings { Kind = kind, Host = new Uri(repo).Host, Token = Token } });

        var target = resolver.Resolve(repo);
        var login = await target.PushLoginAsync(TestDefaults.TimeoutToken());

        target.Forge.Name.ShouldBe(forge);
        login.ShouldNotBeNull().Username.ShouldBe(username);
        login.Token.ShouldBe(Token);
    }

    [Fact]
    public async Task Resolve_ConfiguredFakeHost_OpensThePullRequestThere()
    {
        using var resolver = Resolver(FakeGitHub());

        var target = resolver.Resolve($"http://{_github.Host}/acme/calc.git");
        var pull = await target.Forge.OpenAsync(new PullRequestDraft("01JTASK", $"http://{_github.Host}/acme/calc.git", "nightshift/x", "main", "T", "B", "", false), TestDefaults.TimeoutToken());

        pull.Forge.ShouldBe("github");
        _github.Pulls.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Resolve_AppEntry_NarrowsTheTokenToEachRepository()
    {
        using var key = RSA.Create(2048);
        using var publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(key.ExportRSAPublicKey(), out _);
        _github.App = new FakeGitHubApp(9, publicKey, 5);
        _github.AddRepository("acme", "other");
        var keyFile = Path.Combine(_data, "app.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportRSAPrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var resolver = Resolver(new ForgesOptions
        {
            ["github"] = new ForgeSettings { Host = _github.Host, ApiUrl = _github.ApiUrl.ToString(), AppId = 9, PrivateKeyFile = keyFile },
        });

        var calc = await resolver.Resolve($"http://{_github.Host}/acme/calc").PushLoginAsync(TestDefaults.TimeoutToken());
        var other = await resolver.Resolve($"http://{_github.Host}/acme/other").PushLoginAsync(TestDefaults.TimeoutToken());

        calc!.Token.ShouldNotBe(other!.Token);
        _github.Grants.Select(g => g.Repositories.Single()).ShouldBe(["calc", "other"], ignoreOrder: true);
    }

    [Fact]
    public async Task CheckAsync_GoodToken_SaysWhoItActsAs()
    {
        using var resolver = Resolver(FakeGitHub());

        var check = await resolver.CheckAsync(resolver.Endpoints.Single(), TestDefaults.TimeoutToken());

        check.Ok.ShouldBeTrue();
        check.Message.ShouldContain("nightshift-bot");
        _github.Calls.ShouldHaveSingleItem().Path.ShouldBe("/user");
    }

    [Fact]
    public async Task CheckAsync_BadToken_FailsNamingTheTokenSetting()
    {
        using var resolver = Resolver(FakeGitHub("ghp_BADTOKEN1234"));

        var check = await resolver.CheckAsync(resolver.Endpoints.Single(), TestDefaults.TimeoutToken());

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("Forges:github:Token");
        check.Message.ShouldNotContain("BADTOKEN1234");
    }

    [Fact]
    public async Task CheckAsync_PermissionMissing_SaysWhichPermission()
    {
        _github.Script(new FakeGitHubFailure("GET", "/user", 403, "Resource not accessible by integration")
        {
            Headers = new Dictionary<string, string> { ["X-Accepted-GitHub-Permissions"] = "metadata=read; contents=write" },
        });
        using var resolver = Resolver(FakeGitHub());

        var check = await resolver.CheckAsync(resolver.Endpoints.Single(), TestDefaults.TimeoutToken());

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("metadata=read, contents=write");
    }

    [Fact]
    public void Constructor_TokenFileEntry_ReadsTheTokenOnce()
    {
        var file = Path.Combine(_data, "token");
        File.WriteAllText(file, Token + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var resolver = Resolver(new ForgesOptions { ["github"] = new ForgeSettings { TokenFile = file } });

        resolver.Endpoints.Single().Token.ToString()!.ShouldNotContain(Token);
    }
}
