using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Nightshift.TestKit.Oidc;

/// <summary>
/// An OpenID Connect identity provider on 127.0.0.1 (port chosen by the OS) for tests: discovery, a key set with an RSA
/// key made for this instance, <c>/authorize</c> that approves <see cref="Identity"/> at once (authorization code flow
/// with PKCE S256 only) and <c>/token</c> that checks the client secret, the redirect address and the code verifier and
/// answers with an RS256 id_token. <see cref="Faults"/> makes it get things wrong on purpose.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    /// <summary>How long a code may wait before it is exchanged.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(1);

    private const string KeyId = "test-key-1";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly List<TestIdentityRefusal> _refusals = [];
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly TimeProvider _time;
    private WebApplication? _app;
    private int _tokensIssued;

    private TestIdentityProvider(string clientId, string clientSecret, TimeProvider time)
    {
        ClientId = clientId;
        ClientSecret = clientSecret;
        _time = time;
    }

    /// <summary>The issuer, without a trailing '/': http://127.0.0.1:PORT. Configure it as the client's authority.</summary>
    public string Issuer { get; private set; } = "";

    public string ClientId { get; }

    public string ClientSecret { get; }

    /// <summary>The one redirect address clients may use; <c>/authorize</c> refuses any other. Unset refuses them all.</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Who every authorization request is approved as.</summary>
    public TestIdentity Identity { get; set; } = new("subject-1", "Test Person");

    public TestIdentityFaults Faults { get; set; } = TestIdentityFaults.None;

    /// <summary>id_tokens handed out so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Requests refused so far, oldest first.</summary>
    public IReadOnlyList<TestIdentityRefusal> Refusals
    {
        get
        {
            lock (_gate)
            {
                return [.. _refusals];
            }
        }
    }

    public static async Task<TestIdentityProvider> StartAsync(
        string clientId = "nightshift-test",
        string clientSecret = "sk-test-oidc-client-secret",
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        var provider = new TestIdentityProvider(clientId, clientSecret, time ?? TimeProvider.System);
        await provider.StartServerAsync(cancellationToken);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(grace.Token);
            await _app.DisposeAsync();
        }
        _key.Dispose();
        _otherKey.Dispose();
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", Discovery);
        app.MapGet("/jwks", KeySet);
        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", TokenAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Issuer = address.TrimEnd('/');
        _app = app;
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { "query" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        ["scopes_supported"] = new[] { "openid", "profile", "email" },
    });

    private IResult KeySet()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = KeyId,
                    ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                    ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        string? Single(string name) => query[name].Count == 1 ? query[name][0] : null;

        var redirectUri = Single("redirect_uri");
        if (Single("client_id") != ClientId)
        {
            return Refuse("authorize", "unknown client_id");
        }
        if (redirectUri is null || redirectUri != RedirectUri)
        {
            // Never redirect to an address that is not registered: that is how codes get stolen.
            return Refuse("authorize", $"redirect_uri '{redirectUri}' is not the registered one");
        }
        if (Single("response_type") != "code")
        {
            return Refuse("authorize", "response_type is not 'code'");
        }
        if (Single("scope")?.Split(' ').Contains("openid") != true)
        {
            return Refuse("authorize", "scope lacks openid");
        }
        if (Single("state") is not { Length: > 0 } state)
        {
            return Refuse("authorize", "no state");
        }
        if (Single("nonce") is not { Length: > 0 } nonce)
        {
            return Refuse("authorize", "no nonce");
        }
        if (Single("code_challenge_method") != "S256" || Single("code_challenge") is not { Length: 43 } challenge)
        {
            return Refuse("authorize", "no PKCE code_challenge with method S256");
        }
        if (Single("response_mode") is { } mode && mode != "query")
        {
            return Refuse("authorize", $"response_mode '{mode}' is not supported");
        }

        var faults = Faults;
        var sentState = faults.State ?? state;
        if (faults.Error is { } error)
        {
            return Results.Redirect($"{redirectUri}?error={Uri.EscapeDataString(error)}&state={Uri.EscapeDataString(sentState)}");
        }
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            _codes[code] = new PendingCode(redirectUri, nonce, challenge, Identity, _time.GetUtcNow());
        }
        return Results.Redirect($"{redirectUri}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(sentState)}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return TokenError("invalid_request", "the token request is not a form");
        }
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        string? Single(string name) => form[name].Count == 1 ? form[name][0] : null;

        var (clientId, clientSecret) = ClientCredentials(request, Single("client_id"), Single("client_secret"));
        if (clientId != ClientId || clientSecret is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(ClientSecret)))
        {
            return TokenError("invalid_client", "wrong client id or secret", StatusCodes.Status401Unauthorized);
        }
        if (Single("grant_type") != "authorization_code")
        {
            return TokenError("unsupported_grant_type", "only authorization_code");
        }
        PendingCode? pending;
        lock (_gate)
        {
            // A code works once, whatever happens next.
            if (Single("code") is not { } code || !_codes.Remove(code, out pending))
            {
                pending = null;
            }
        }
        if (pending is null || _time.GetUtcNow() - pending.IssuedAt > CodeLifetime)
        {
            return TokenError("invalid_grant", "unknown, used or expired code");
        }
        if (Single("redirect_uri") != pending.RedirectUri)
        {
            return TokenError("invalid_grant", "redirect_uri differs from the authorization request's");
        }
        if (Single("code_verifier") is not { Length: >= 43 and <= 128 } verifier
            || Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.Challenge)
        {
            return TokenError("invalid_grant", "code_verifier does not match the code_challenge");
        }

        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)),
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = IdToken(pending.Identity, pending.Nonce, Faults),
        });
    }

    private string IdToken(TestIdentity identity, string nonce, TestIdentityFaults faults)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var issuedAt = faults.Expired ? now.AddHours(-1) : now;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = identity.Subject,
            ["nonce"] = faults.Nonce ?? nonce,
        };
        if (identity.Name is not null)
        {
            claims["name"] = identity.Name;
        }
        if (identity.Roles is not null)
        {
            claims["roles"] = identity.Roles.ToList();
        }
        if (identity.Groups is not null)
        {
            claims["groups"] = identity.Groups.ToList();
        }
        foreach (var (name, value) in identity.Claims ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }
        var key = new RsaSecurityKey(faults.SignWithOtherKey ? _otherKey : _key) { KeyId = KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = faults.Issuer ?? Issuer,
            Audience = faults.Audience ?? ClientId,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = faults.Expired ? now.AddMinutes(-30) : now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, string? formId, string? formSecret)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(pair[..colon]), Uri.UnescapeDataString(pair[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (formId, formSecret);
    }

    private IResult Refuse(string endpoint, string reason)
    {
        lock (_gate)
        {
            _refusals.Add(new TestIdentityRefusal(endpoint, reason));
        }
        return Results.Text($"refused: {reason}", statusCode: StatusCodes.Status400BadRequest);
    }

    private IResult TokenError(string error, string reason, int status = StatusCodes.Status400BadRequest)
    {
        lock (_gate)
        {
            _refusals.Add(new TestIdentityRefusal("token", reason));
        }
        return Results.Json(new { error, error_description = reason }, statusCode: status);
    }

    private sealed record PendingCode(string RedirectUri, string Nonce, string Challenge, TestIdentity Identity, DateTimeOffset IssuedAt);
}
