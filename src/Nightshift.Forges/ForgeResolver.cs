using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Forges;
using Nightshift.Core.Teams;
using Nightshift.Forges.Configuration;
using Nightshift.Forges.Gitea;
using Nightshift.Forges.GitHub;
using Nightshift.Forges.GitLab;

namespace Nightshift.Forges;

/// <summary>
/// Builds the configured forges (<c>Forges:&lt;name&gt;:*</c>) into <see cref="ForgeEndpoint"/>s once, and answers
/// each repository with its forge: the entry whose host its address names, else the local forge. A GitHub App entry
/// gets a token narrowed to each repository it serves. Clients are kept for the worker's life.
/// </summary>
public sealed class ForgeResolver : IForgeResolver, IDisposable
{
    private readonly IForge _local;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly HttpMessageHandler _handler;
    private readonly bool _ownsHandler;
    private readonly ConcurrentDictionary<string, Lazy<ForgeTarget>> _targets = new(StringComparer.Ordinal);
    private readonly IOrgSecrets? _orgSecrets;
    private readonly List<IDisposable> _owned = [];

    /// <param name="local">the forge of repositories no entry names.</param>
    /// <param name="handler">the HTTP transport to the forges; by default one of its own.</param>
    /// <param name="orgSecrets">organisations' own forge tokens; null when the host keeps none.</param>
    public ForgeResolver(IForge local, IOptions<ForgesOptions> options, TimeProvider time, ILoggerFactory loggers, HttpMessageHandler? handler = null, IOrgSecrets? orgSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _local = local;
        _orgSecrets = orgSecrets;
        _time = time;
        _loggers = loggers;
        _ownsHandler = handler is null;
        _handler = handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AllowAutoRedirect = false,
        };
        Endpoints = [.. options.Value.Select(entry => Build(entry.Key, entry.Value))];
    }

    public IReadOnlyList<ForgeEndpoint> Endpoints { get; }

    public ForgeTarget Resolve(string repository)
    {
        var parsed = ForgeRepository.TryParse(repository);
        var endpoint = parsed is null ? null : Endpoints.FirstOrDefault(e => string.Equals(e.Host, parsed.Host, StringComparison.OrdinalIgnoreCase));
        if (parsed is null || endpoint is null)
        {
            return new ForgeTarget(_local, null, parsed);
        }
        // Per repository for Apps (the token is narrowed to it), per entry otherwise.
        var key = endpoint.Token is GitHubAppToken ? $"{endpoint.Name}\n{parsed.Owner}/{parsed.Name}".ToLowerInvariant() : endpoint.Name;
        var target = _targets.GetOrAdd(key, _ => new Lazy<ForgeTarget>(() =>
        {
            var narrowed = endpoint.Token is GitHubAppToken app ? endpoint with { Token = Own(app.ForRepository(parsed)) } : endpoint;
            return new ForgeTarget(CreateClient(narrowed), narrowed, parsed);
        })).Value;
        return target with { Repository = parsed };
    }

    public ForgeTarget Resolve(string repository, string orgId)
    {
        var target = Resolve(repository);
        if (_orgSecrets is null || target.Endpoint is not { } endpoint || target.Repository is not { } parsed || endpoint.Kind == ForgeKind.Local)
        {
            return target;
        }
        // A client per organisation and entry (and repository for an App), whose credential is the organisation's token
        // when it has one and the entry's own otherwise, looked up at each use so a change applies without a restart.
        var key = $"{orgId}\n{endpoint.Name}" + (endpoint.Token is GitHubAppToken ? $"\n{parsed.Owner}/{parsed.Name}".ToLowerInvariant() : "");
        var scoped = _targets.GetOrAdd("org\n" + key, _ => new Lazy<ForgeTarget>(() =>
        {
            var owned = endpoint with { Token = new OrgForgeToken(_orgSecrets, orgId, OrgForgeToken.SecretName(endpoint.Kind), endpoint.Token) };
            return new ForgeTarget(CreateClient(owned), owned, parsed);
        })).Value;
        return scoped with { Repository = parsed };
    }

    public async Task<ForgeCheck> CheckAsync(ForgeEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var name = $"Forges:{endpoint.Name}";
        try
        {
            var client = CreateClient(endpoint);
            switch (client)
            {
                case GitLabForge gitlab:
                    return await gitlab.CheckAsync(cancellationToken) with { Forge = name };
                case GiteaForge gitea:
                    return await gitea.CheckAsync(cancellationToken) with { Forge = name };
                case not GitHubForge:
                    return new ForgeCheck(name, true, $"{endpoint.Kind} credentials are not checked by this version");
            }
            var github = (GitHubForge)client;
            if (endpoint.Token is GitHubAppToken app && app.Repository is null)
            {
                if (!app.HasInstallation)
                {
                    using var me = await app.GetAsAppAsync("app", $"checking the GitHub App of {name}", cancellationToken);
                    var slug = me.RootElement.TryGetProperty("slug", out var s) ? s.GetString() : null;
                    return new ForgeCheck(name, true, $"GitHub App '{ForgeDefaults.Shown(slug ?? "?")}' authenticates at {endpoint.ApiUrl}; its installation is looked up per repository");
                }
                var count = await github.InstallationRepositoryCountAsync(cancellationToken);
                return new ForgeCheck(name, true, $"GitHub App installation reaches {count} repositories at {endpoint.ApiUrl}");
            }
            var login = await github.WhoAmIAsync(cancellationToken);
            return new ForgeCheck(name, true, $"the token acts as {ForgeDefaults.Shown(login)} at {endpoint.ApiUrl}");
        }
        catch (ForgeException e)
        {
            return new ForgeCheck(name, false, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        if (_ownsHandler)
        {
            _handler.Dispose();
        }
    }

    /// <summary>The one place a forge's kind picks its client.</summary>
    private IForge CreateClient(ForgeEndpoint endpoint) => endpoint.Kind switch
    {
        ForgeKind.GitHub => new GitHubForge(endpoint, _handler, _time, _loggers.CreateLogger<GitHubForge>()),
        ForgeKind.GitLab => new GitLabForge(endpoint, Own(new HttpClient(_handler, disposeHandler: false)), _time, _loggers.CreateLogger<GitLabForge>()),
        ForgeKind.Gitea => new GiteaForge(endpoint, Own(new HttpClient(_handler, disposeHandler: false)), _time, _loggers.CreateLogger<GiteaForge>()),
        ForgeKind.Local => _local,
        _ => throw new ForgeException($"Forges:{endpoint.Name} names a forge kind this version does not know ({endpoint.Kind})"),
    };

    private ForgeEndpoint Build(string name, ForgeSettings settings)
    {
        // The validator ran at start (ValidateOnStart); these fallbacks only guard a host built without it.
        var prefix = $"Forges:{name}";
        var kind = ForgeDefaults.Kind(name, settings, out var problem) ?? throw new ForgeException($"{prefix}:Kind {problem}");
        var host = ForgeDefaults.Host(kind, settings) ?? throw new ForgeException($"{prefix}:Host is not set");
        var api = ForgeDefaults.ApiUrl(kind, host, settings) ?? throw new ForgeException($"{prefix}:ApiUrl is not an http(s) address");
        IForgeToken token;
        if (settings.Token is { } value)
        {
            token = new StaticForgeToken(value);
        }
        else if (settings.TokenFile is { } file)
        {
            token = new StaticForgeToken(ForgeSecretFiles.Read(file, out var fileProblem) ?? throw new ForgeException($"{prefix}:TokenFile {fileProblem}"));
        }
        else if (settings is { AppId: { } appId, PrivateKeyFile: { } keyFile })
        {
            var key = ForgeSecretFiles.ReadRsaKey(keyFile, out var keyProblem) ?? throw new ForgeException($"{prefix}:PrivateKeyFile {keyProblem}");
            token = Own(new GitHubAppToken(prefix, appId, key, settings.InstallationId, api, _handler, _time));
        }
        else
        {
            throw new ForgeException($"{prefix} has no credential; set {prefix}:Token");
        }
        return new ForgeEndpoint(name, kind, host, api, token, [.. settings.Labels ?? []], [.. settings.Reviewers ?? []]);
    }

    private T Own<T>(T owned)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(owned);
        }
        return owned;
    }
}
