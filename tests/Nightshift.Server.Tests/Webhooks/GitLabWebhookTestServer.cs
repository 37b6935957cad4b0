using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>A real server with GitLab webhooks on, and deliveries sent the way GitLab sends them.</summary>
internal sealed class GitLabWebhookTestServer : IAsyncDisposable
{
    public const string Secret = "gitlab-webhook-secret-token-0123";

    private readonly TempDirectory _data;

    private GitLabWebhookTestServer(TempDirectory data, RunningServer server)
    {
        _data = data;
        Server = server;
        Anonymous = server.CreateClient(token: null);
    }

    public RunningServer Server { get; }

    public HttpClient Anonymous { get; }

    /// <param name="gitlab">the Webhooks:GitLab section; by default only the secret.</param>
    /// <param name="forges">the Forges section; by default none.</param>
    /// <param name="repositories">the Repositories section; by default none.</param>
    public static async Task<GitLabWebhookTestServer> StartAsync(object? gitlab = null, object? forges = null, string? database = null, object? repositories = null)
    {
        var data = new TempDirectory();
        try
        {
            var settings = new Dictionary<string, object> { ["Webhooks"] = new { GitLab = gitlab ?? new { Secret } } };
            if (forges is not null)
            {
                settings["Forges"] = forges;
            }
            if (repositories is not null)
            {
                settings["Repositories"] = repositories;
            }
            await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(settings));
            var server = await RunningServer.StartAsync(o => o.Database = database, dataDirectory: data.Path);
            return new GitLabWebhookTestServer(data, server);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public Task<HttpResponseMessage> SendAsync(string body, string? delivery, string? eventName = "Issue Hook", string? token = Secret) =>
        SendAsync(Encoding.UTF8.GetBytes(body), delivery, eventName, token);

    /// <param name="delivery">sent as X-Gitlab-Event-UUID (and nothing when null).</param>
    /// <param name="token">sent as X-Gitlab-Token (nothing when null).</param>
    /// <param name="idempotencyKey">sent as Idempotency-Key, as GitLab 17.4 and later do.</param>
    public async Task<HttpResponseMessage> SendAsync(byte[] body, string? delivery, string? eventName = "Issue Hook", string? token = Secret, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("GitLab/17.6.0");
        request.Headers.TryAddWithoutValidation("X-Gitlab-Instance", "https://gitlab.example.com");
        request.Headers.TryAddWithoutValidation("X-Gitlab-Webhook-UUID", "4f1b3a2e-3b5c-4d8e-9f00-112233445566");
        if (delivery is not null)
        {
            request.Headers.TryAddWithoutValidation(GitLabWebhookHandler.EventUuidHeader, delivery);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(GitLabWebhookHandler.IdempotencyHeader, idempotencyKey);
        }
        if (eventName is not null)
        {
            request.Headers.TryAddWithoutValidation(GitLabWebhookHandler.EventHeader, eventName);
        }
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(GitLabWebhookHandler.TokenHeader, token);
        }
        return await Anonymous.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await Server.DisposeAsync();
        _data.Dispose();
    }
}
