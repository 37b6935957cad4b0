using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nightshift.Forges.GitHub;

/// <summary>
/// A GitHub App's installation access token: a JWT (RS256, signed with the app's private key, iat/exp/iss) is
/// exchanged at <c>POST /app/installations/{id}/access_tokens</c> for a token narrowed to one repository and the
/// permissions publishing needs, cached and refreshed <see cref="RefreshMargin"/> before it expires. The installation
/// comes from configuration or from <c>GET /repos/{owner}/{repo}/installation</c>.
/// </summary>
public sealed class GitHubAppToken : IForgeToken, IDisposable
{
    /// <summary>A token with less than this left is replaced before use, so no push or call meets an expired one.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private const int MaxResponseBytes = 1024 * 1024;
    private static readonly TimeSpan JwtLifetime = TimeSpan.FromMinutes(9);

    private readonly string _forge;
    private readonly long _appId;
    private readonly RSA _key;
    private readonly bool _ownsKey;
    private readonly long? _installationId;
    private readonly Uri _api;
    private readonly HttpMessageInvoker _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _current;

    /// <param name="forge">the configuration entry, e.g. "Forges:github", for messages.</param>
    /// <param name="repository">the one repository tokens are narrowed to; null for an installation-wide token.</param>
    public GitHubAppToken(string forge, long appId, RSA key, long? installationId, Uri api, HttpMessageHandler handler, TimeProvider time, ForgeRepository? repository = null)
        : this(forge, appId, key, ownsKey: true, installationId, api, handler, time, repository)
    {
    }

    private GitHubAppToken(string forge, long appId, RSA key, bool ownsKey, long? installationId, Uri api, HttpMessageHandler handler, TimeProvider time, ForgeRepository? repository)
    {
        _forge = forge;
        _appId = appId;
        _key = key;
        _ownsKey = ownsKey;
        _installationId = installationId;
        _api = api;
        Handler = handler;
        _http = new HttpMessageInvoker(handler, disposeHandler: false);
        _time = time;
        Repository = repository;
    }

    public ForgeRepository? Repository { get; }

    /// <summary>True when the installation to act as is configured (not looked up per repository).</summary>
    public bool HasInstallation => _installationId is not null;

    internal HttpMessageHandler Handler { get; }

    /// <summary>The same app acting on one repository, with its own narrowed token; shares (and never disposes) the key.</summary>
    public GitHubAppToken ForRepository(ForgeRepository repository) =>
        new(_forge, _appId, _key, ownsKey: false, _installationId, _api, Handler, _time, repository);

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } token)
        {
            return token;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } fetched)
            {
                return fetched;
            }
            var installation = _installationId ?? await LookUpInstallationAsync(cancellationToken);
            _current = await ExchangeAsync(installation, cancellationToken);
            return _current.Value.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The app's own JWT (RS256; iat a minute back for clock drift, exp nine minutes on, iss the app id).</summary>
    public string CreateJwt()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iat"] = now - 60,
            ["exp"] = now + (long)JwtLifetime.TotalSeconds,
            ["iss"] = _appId.ToString(CultureInfo.InvariantCulture),
        }));
        var signed = $"{header}.{payload}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    /// <summary>A GET as the app itself (JWT), e.g. <c>app</c> for doctor; the parsed JSON body.</summary>
    public async Task<JsonDocument> GetAsAppAsync(string path, string action, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, path, CreateJwt());
        return await SendAsync(request, action, "check {forge}:AppId: GitHub knows no app with it".Replace("{forge}", _forge, StringComparison.Ordinal), cancellationToken);
    }

    public void Dispose()
    {
        _gate.Dispose();
        _http.Dispose();
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }

    public override string ToString() => $"GitHubAppToken {{ App = {_appId}, Repository = {Repository?.ToString() ?? "any"}, Token = *** }}";

    private string? Fresh() =>
        _current is { } current && current.ExpiresAt - _time.GetUtcNow() > RefreshMargin ? current.Token : null;

    private async Task<long> LookUpInstallationAsync(CancellationToken cancellationToken)
    {
        if (Repository is null)
        {
            throw new ForgeException($"the GitHub App of {_forge} has no installation to act as: set {_forge}:InstallationId, or let Nightshift look it up per repository");
        }
        using var request = Request(HttpMethod.Get, $"repos/{Escape(Repository.Owner)}/{Escape(Repository.Name)}/installation", CreateJwt());
        using var answer = await SendAsync(request, $"finding the installation of the GitHub App of {_forge} on {Repository}",
            $"the App is not installed on {Repository}: install it on the repository (or its owner), or set {_forge}:InstallationId", cancellationToken);
        return answer.RootElement.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) && value > 0
            ? value
            : throw new ForgeException($"GitHub's answer for the installation of the App of {_forge} on {Repository} has no id; set {_forge}:InstallationId");
    }

    private async Task<(string, DateTimeOffset)> ExchangeAsync(long installation, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"app/installations/{installation.ToString(CultureInfo.InvariantCulture)}/access_tokens", CreateJwt());
        if (Repository is not null)
        {
            // Narrowed to the one repository and what publishing needs: pushing the branch and opening the pull request.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new
            {
                repositories = new[] { Repository.Name },
                permissions = new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write" },
            }));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var answer = await SendAsync(request, $"getting an installation token for the GitHub App of {_forge}",
            $"installation {installation} of the App does not exist or is not the App's: check {_forge}:InstallationId and {_forge}:AppId", cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(token.GetString()) || !root.TryGetProperty("expires_at", out var expires) || !expires.TryGetDateTimeOffset(out var expiresAt))
        {
            throw new ForgeException($"GitHub's answer to the installation token request of {_forge} has no token or expiry; check {_forge}:ApiUrl points at GitHub's REST API");
        }
        return (token.GetString()!, expiresAt);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string bearer)
    {
        var request = new HttpRequestMessage(method, new Uri(_api, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.UserAgent.ParseAdd("Nightshift");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        return request;
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, string action, string notFound, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw GitHubErrors.NoAnswer(_forge, _api, action, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw GitHubErrors.NoAnswer(_forge, _api, action, e);
        }
        using (response)
        {
            string body;
            try
            {
                await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw GitHubErrors.NoAnswer(_forge, _api, action, e);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw GitHubErrors.Describe(_forge, action, notFound, (int)response.StatusCode, GitHubErrors.HeadersOf(response.Headers), MessageOf(body), _time);
            }
            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                throw new ForgeException($"{action} failed: GitHub's answer is not JSON; check {_forge}:ApiUrl points at GitHub's REST API", (int)response.StatusCode);
            }
        }
    }

    private static string? MessageOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Escape(string segment) => string.Join('/', segment.Split('/').Select(Uri.EscapeDataString));

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
