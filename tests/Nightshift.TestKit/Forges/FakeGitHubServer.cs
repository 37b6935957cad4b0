using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// A GitHub REST API on 127.0.0.1 (OS-chosen port) speaking the few routes Nightshift uses, written from GitHub's
/// public REST reference: pulls (create, list by head, update), issue labels, requested reviewers, the current user,
/// a GitHub App's installation lookup, its installation token exchange (the JWT's RS256 signature and iat/exp/iss
/// claims are checked) and the installation's repositories; the issue side (permissions, comments, review comments,
/// reactions, job logs) is in FakeGitHubServer.Conversation.cs. Every call is recorded; failures (any status with
/// headers, or a dropped connection) can be scripted per route.
/// </summary>
public sealed partial class FakeGitHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeGitHubFailure> _failures = [];
    private readonly Lock _lock = new();
    private int _nextNumber = 1;

    private FakeGitHubServer(WebApplication app)
    {
        _app = app;
    }

    public Uri ApiUrl { get; private set; } = null!;

    /// <summary>host:port, as a repository address on this fake would name it.</summary>
    public string Host => $"127.0.0.1:{ApiUrl.Port}";

    public ConcurrentQueue<FakeGitHubCall> Calls { get; } = new();

    public ConcurrentBag<FakeGitHubPull> Pulls { get; } = [];

    public ConcurrentQueue<FakeGitHubTokenGrant> Grants { get; } = new();

    /// <summary>The App whose JWTs are accepted, if any.</summary>
    public FakeGitHubApp? App { get; set; }

    /// <summary>The login GET /user answers.</summary>
    public string Login { get; set; } = "nightshift-bot";

    /// <summary>How long issued installation tokens live.</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public static async Task<FakeGitHubServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGitHubServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.ApiUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        await server.StartLogHostAsync(cancellationToken);
        return server;
    }

    /// <summary>A token (personal or fine-grained) the fake accepts.</summary>
    public void AcceptToken(string token) => _tokens[token] = 0;

    /// <summary>A repository the fake serves, with its branches (main by default).</summary>
    public void AddRepository(string owner, string name, params string[] branches) =>
        _repositories[$"{owner}/{name}"] = new HashSet<string>(branches.Length == 0 ? ["main"] : branches, StringComparer.Ordinal);

    public void Script(FakeGitHubFailure failure)
    {
        lock (_lock)
        {
            _failures.Add(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await StopLogHostAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var path = request.Path.Value ?? "/";
        var authorization = request.Headers.Authorization.ToString();
        int status;
        if (TakeFailure(request.Method, path) is { } failure)
        {
            Calls.Enqueue(new FakeGitHubCall(request.Method, path, request.QueryString.Value ?? "", authorization, body, failure.Drop ? 0 : failure.Status));
            if (failure.Drop)
            {
                context.Abort();
                return;
            }
            foreach (var (name, value) in failure.Headers)
            {
                context.Response.Headers[name] = value;
            }
            await WriteAsync(context, failure.Status, new JsonObject { ["message"] = failure.Message });
            return;
        }
        try
        {
            (status, var answer) = Route(request.Method, path, request.Query, authorization, body, context.Response.Headers);
            Calls.Enqueue(new FakeGitHubCall(request.Method, path, request.QueryString.Value ?? "", authorization, body, status));
            await WriteAsync(context, status, answer);
        }
        catch (JsonException)
        {
            Calls.Enqueue(new FakeGitHubCall(request.Method, path, request.QueryString.Value ?? "", authorization, body, 400));
            await WriteAsync(context, 400, new JsonObject { ["message"] = "Problems parsing JSON" });
        }
    }

    private FakeGitHubFailure? TakeFailure(string method, string path)
    {
        lock (_lock)
        {
            var index = _failures.FindIndex(f => string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase) && path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }
            var failure = _failures[index];
            if (failure.Times <= 1)
            {
                _failures.RemoveAt(index);
            }
            else
            {
                _failures[index] = failure with { Times = failure.Times - 1 };
            }
            return failure;
        }
    }

    private (int, JsonNode) Route(string method, string path, IQueryCollection query, string authorization, string body, IHeaderDictionary headers)
    {
        if (method == "POST" && AccessTokens().Match(path) is { Success: true } exchange)
        {
            return ExchangeToken(long.Parse(exchange.Groups[1].Value, CultureInfo.InvariantCulture), authorization, body);
        }
        if (method == "GET" && path == "/app")
        {
            return JwtProblem(authorization) is { } problem ? (401, Message(problem)) : (200, new JsonObject { ["id"] = App!.AppId, ["slug"] = App.Slug });
        }
        if (method == "GET" && Installation().Match(path) is { Success: true } lookup)
        {
            if (JwtProblem(authorization) is { } problem)
            {
                return (401, Message(problem));
            }
            return _repositories.ContainsKey($"{lookup.Groups[1].Value}/{lookup.Groups[2].Value}")
                ? (200, new JsonObject { ["id"] = App!.InstallationId, ["app_id"] = App.AppId })
                : (404, Message("Not Found"));
        }
        if (!TokenAccepted(authorization))
        {
            return (401, Message("Bad credentials"));
        }
        if (method == "GET" && path == "/user")
        {
            return (200, new JsonObject { ["login"] = Login, ["id"] = 1, ["type"] = "User" });
        }
        if (method == "GET" && path == "/installation/repositories")
        {
            return (200, new JsonObject { ["total_count"] = _repositories.Count, ["repositories"] = new JsonArray() });
        }
        if (Repo().Match(path) is not { Success: true } repo || !_repositories.TryGetValue($"{repo.Groups[1].Value}/{repo.Groups[2].Value}", out var branches))
        {
            return (404, Message("Not Found"));
        }
        var full = $"{repo.Groups[1].Value}/{repo.Groups[2].Value}";
        var rest = repo.Groups[3].Value;
        var json = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) ?? new JsonObject();
        switch (method, rest)
        {
            case ("POST", "/pulls"):
                return CreatePull(full, repo.Groups[1].Value, branches, json);
            case ("GET", "/pulls"):
                var head = query["head"].ToString();
                var matching = Pulls.Where(p => p.Repository == full && (head.Length == 0 || $"{repo.Groups[1].Value}:{p.Head}" == head)).OrderBy(p => p.Number);
                return (200, new JsonArray([.. matching.Select(p => PullJson(p, repo.Groups[1].Value))]));
        }
        if (RouteConversation(method, full, rest, query, json, headers) is { } conversation)
        {
            return conversation;
        }
        if (PullPath().Match(rest) is { Success: true } pullPath
            && Pulls.FirstOrDefault(p => p.Repository == full && p.Number == int.Parse(pullPath.Groups[2].Value, CultureInfo.InvariantCulture)) is { } pull)
        {
            switch (method, pullPath.Groups[1].Value, pullPath.Groups[3].Value)
            {
                case ("PATCH", "pulls", ""):
                    pull.Title = json["title"]?.GetValue<string>() ?? pull.Title;
                    pull.Body = json["body"]?.GetValue<string>() ?? pull.Body;
                    return (200, PullJson(pull, repo.Groups[1].Value));
                case ("POST", "issues", "/labels"):
                    // The reference takes {"labels": [...]} or the bare array.
                    var labels = json is JsonArray bare ? bare : json["labels"]!.AsArray();
                    pull.Labels.AddRange(labels.Select(l => l!.GetValue<string>()));
                    return (200, new JsonArray([.. pull.Labels.Select(l => new JsonObject { ["name"] = l })]));
                case ("POST", "pulls", "/requested_reviewers"):
                    pull.Reviewers.AddRange(json["reviewers"]!.AsArray().Select(r => r!.GetValue<string>()));
                    return (201, PullJson(pull, repo.Groups[1].Value));
            }
        }
        return (404, Message("Not Found"));
    }

    private (int, JsonNode) CreatePull(string repository, string owner, HashSet<string> branches, JsonNode json)
    {
        var head = json["head"]?.GetValue<string>();
        var baseBranch = json["base"]?.GetValue<string>();
        var title = json["title"]?.GetValue<string>();
        if (string.IsNullOrEmpty(head) || string.IsNullOrEmpty(baseBranch) || string.IsNullOrEmpty(title))
        {
            return (422, Invalid("PullRequest", "missing_field", "head, base and title are required"));
        }
        if (!branches.Contains(baseBranch))
        {
            return (422, Invalid("PullRequest", "invalid", $"base {baseBranch} is not a branch", "base"));
        }
        lock (_lock)
        {
            if (Pulls.Any(p => p.Repository == repository && p.Head == head))
            {
                return (422, Invalid("PullRequest", "custom", $"A pull request already exists for {owner}:{head}."));
            }
            var pull = new FakeGitHubPull
            {
                Number = _nextNumber++,
                Repository = repository,
                Head = head,
                Base = baseBranch,
                Title = title,
                Body = json["body"]?.GetValue<string>(),
                Draft = json["draft"]?.GetValue<bool>() ?? false,
            };
            Pulls.Add(pull);
            return (201, PullJson(pull, owner));
        }
    }

    private (int, JsonNode) ExchangeToken(long installation, string authorization, string body)
    {
        if (JwtProblem(authorization) is { } problem)
        {
            return (401, Message(problem));
        }
        if (installation != App!.InstallationId)
        {
            return (404, Message("Not Found"));
        }
        var json = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
        var repositories = json["repositories"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        var permissions = json["permissions"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
        var token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var expires = DateTimeOffset.UtcNow + InstallationTokenLifetime;
        _tokens[token] = 0;
        Grants.Enqueue(new FakeGitHubTokenGrant(token, installation, repositories, permissions, expires));
        return (201, new JsonObject { ["token"] = token, ["expires_at"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) });
    }

    /// <returns>null when the bearer is a JWT of <see cref="App"/> with a valid signature and claims, else what is wrong.</returns>
    private string? JwtProblem(string authorization)
    {
        if (App is null)
        {
            return "no app is configured on this fake";
        }
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "A JSON web token could not be decoded";
        }
        var parts = authorization["Bearer ".Length..].Trim().Split('.');
        if (parts.Length != 3)
        {
            return "A JSON web token could not be decoded";
        }
        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256")
            {
                return "'alg' must be RS256";
            }
            if (!App.PublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return "A JSON web token could not be decoded (signature)";
            }
            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            var claims = payload.RootElement;
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var iat = claims.GetProperty("iat").GetInt64();
            var exp = claims.GetProperty("exp").GetInt64();
            var iss = claims.GetProperty("iss");
            var issuer = iss.ValueKind == JsonValueKind.Number ? iss.GetInt64().ToString(CultureInfo.InvariantCulture) : iss.GetString();
            if (issuer != App.AppId.ToString(CultureInfo.InvariantCulture))
            {
                return "'iss' is not this app";
            }
            if (iat > now + 60 || exp <= now || exp - iat > 600 + 60)
            {
                return "'Expiration time' claim ('exp') is too far in the future or 'iat' is in the future";
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return "A JSON web token could not be decoded";
        }
    }

    private bool TokenAccepted(string authorization)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && authorization[..space].ToLowerInvariant() is "token" or "bearer" && _tokens.ContainsKey(authorization[(space + 1)..].Trim());
    }

    private JsonObject PullJson(FakeGitHubPull pull, string owner) => new()
    {
        ["number"] = pull.Number,
        ["id"] = 1000 + pull.Number,
        ["state"] = "open",
        ["title"] = pull.Title,
        ["body"] = pull.Body,
        ["draft"] = pull.Draft,
        ["html_url"] = $"{ApiUrl}{pull.Repository}/pull/{pull.Number}",
        ["url"] = $"{ApiUrl}repos/{pull.Repository}/pulls/{pull.Number}",
        ["created_at"] = "2026-01-01T00:00:00Z",
        ["updated_at"] = "2026-01-01T00:00:00Z",
        ["head"] = new JsonObject { ["ref"] = pull.Head, ["label"] = $"{owner}:{pull.Head}" },
        ["base"] = new JsonObject { ["ref"] = pull.Base, ["label"] = $"{owner}:{pull.Base}" },
        ["labels"] = new JsonArray([.. pull.Labels.Select(l => new JsonObject { ["name"] = l })]),
        ["requested_reviewers"] = new JsonArray([.. pull.Reviewers.Select(r => new JsonObject { ["login"] = r })]),
    };

    private static JsonObject Message(string message) => new() { ["message"] = message };

    private static JsonObject Invalid(string resource, string code, string message, string? field = null) => new()
    {
        ["message"] = "Validation Failed",
        ["errors"] = new JsonArray(new JsonObject { ["resource"] = resource, ["code"] = code, ["field"] = field, ["message"] = message }),
    };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static byte[] FromBase64Url(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    [GeneratedRegex(@"^/app/installations/([0-9]{1,18})/access_tokens$")]
    private static partial Regex AccessTokens();

    [GeneratedRegex(@"^/repos/([^/]+)/([^/]+)/installation$")]
    private static partial Regex Installation();

    [GeneratedRegex(@"^/repos/([^/]+)/([^/]+)(/.*)$")]
    private static partial Regex Repo();

    [GeneratedRegex(@"^/(pulls|issues)/([0-9]{1,9})(/labels|/requested_reviewers)?$")]
    private static partial Regex PullPath();
}
