using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Forges;
using Nightshift.Core.Teams;
using Nightshift.Forges.Configuration;
using Nightshift.TestKit;

namespace Nightshift.Forges.Tests;

public sealed class OrgForgeTokenTests
{
    private const string ServerToken = "github_pat_SERVERCONFIGUREDTOKEN";
    private const string AcmeToken = "github_pat_ACMEOWNTOKEN0123456789";

    private readonly DictionarySecrets _secrets = new();

    private ForgeResolver Resolver(IOrgSecrets? secrets) =>
        new(new LocalForge(TimeProvider.System), Options.Create(new ForgesOptions { ["github"] = new ForgeSettings { Token = ServerToken } }),
            TimeProvider.System, NullLoggerFactory.Instance, orgSecrets: secrets);

    [Fact]
    public async Task Resolve_OrgWithItsOwnToken_PushesWithIt()
    {
        _secrets.Values[("acme", "forge.github.token")] = AcmeToken;
        using var resolver = Resolver(_secrets);

        var login = await resolver.Resolve("https://github.com/acme/calc", "acme").PushLoginAsync(TestDefaults.TimeoutToken());

        login.ShouldBe(new ForgePushLogin("x-access-token", AcmeToken));
    }

    [Fact]
    public async Task Resolve_OrgWithoutAToken_PushesWithTheConfiguredOne()
    {
        _secrets.Values[("acme", "forge.github.token")] = AcmeToken;
        using var resolver = Resolver(_secrets);

        var login = await resolver.Resolve("https://github.com/globex/calc", "globex").PushLoginAsync(TestDefaults.TimeoutToken());

        login.ShouldBe(new ForgePushLogin("x-access-token", ServerToken));
    }

    [Fact]
    public async Task Resolve_TokenOfAnotherForgeKind_IsNotUsed()
    {
        _secrets.Values[("acme", "forge.gitlab.token")] = "glpat-acme-0123456789";
        using var resolver = Resolver(_secrets);

        var login = await resolver.Resolve("https://github.com/acme/calc", "acme").PushLoginAsync(TestDefaults.TimeoutToken());

        login!.Token.ShouldBe(ServerToken);
    }

    [Fact]
    public async Task Resolve_TokenSetLater_IsUsedWithoutANewResolver()
    {
        using var resolver = Resolver(_secrets);
        var before = await resolver.Resolve("https://github.com/acme/calc", "acme").PushLoginAsync(TestDefaults.TimeoutToken());

        _secrets.Values[("acme", "forge.github.token")] = AcmeToken;
        var after = await resolver.Resolve("https://github.com/acme/calc", "acme").PushLoginAsync(TestDefaults.TimeoutToken());

        before!.Token.ShouldBe(ServerToken);
        after!.Token.ShouldBe(AcmeToken);
    }

    [Fact]
    public async Task Resolve_WithoutOrgSecrets_IsTheConfiguredForge()
    {
        using var resolver = Resolver(null);

        var login = await resolver.Resolve("https://github.com/acme/calc", "acme").PushLoginAsync(TestDefaults.TimeoutToken());

        login!.Token.ShouldBe(ServerToken);
    }

    [Fact]
    public void Resolve_LocalRepository_NeedsNoToken()
    {
        _secrets.Values[("acme", "forge.github.token")] = AcmeToken;
        using var resolver = Resolver(_secrets);

        var target = resolver.Resolve("/srv/repos/calc", "acme");

        target.Endpoint.ShouldBeNull();
        _secrets.Asked.ShouldBeEmpty();
    }

    [Fact]
    public void ToString_NeverShowsTheToken()
    {
        _secrets.Values[("acme", "forge.github.token")] = AcmeToken;
        var token = new OrgForgeToken(_secrets, "acme", "forge.github.token", new StaticForgeToken(ServerToken));

        token.ToString().ShouldNotContain(AcmeToken);
        token.ToString().ShouldNotContain(ServerToken);
    }

    [Theory]
    [InlineData(ForgeKind.GitHub, "forge.github.token")]
    [InlineData(ForgeKind.GitLab, "forge.gitlab.token")]
    [InlineData(ForgeKind.Gitea, "forge.gitea.token")]
    public void SecretName_ForgeKind_IsTheDocumentedName(ForgeKind kind, string name) =>
        OrgForgeToken.SecretName(kind).ShouldBe(name);

    private sealed class DictionarySecrets : IOrgSecrets
    {
        public ConcurrentDictionary<(string Org, string Name), string> Values { get; } = new();

        public ConcurrentQueue<(string Org, string Name)> Asked { get; } = new();

        public Task<string?> GetAsync(string orgId, string name, CancellationToken cancellationToken = default)
        {
            Asked.Enqueue((orgId, name));
            return Task.FromResult(Values.TryGetValue((orgId, name), out var value) ? value : null);
        }
    }
}
