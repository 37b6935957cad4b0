using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Webhooks;
using Nightshift.Storage;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>A real server with GitHub webhooks on, and deliveries signed and sent the way GitHub sends them.</summary>
internal sealed class WebhookTestServer : IAsyncDisposable
{
    public const string Secret = "It's a Secret to Everybody";
    public const string CloneUrl = "https://github.com/octo-org/hello-world.git";
    public const string IssueUrl = "https://github.com/octo-org/hello-world/issues/42";

    private readonly TempDirectory _data;

    private WebhookTestServer(TempDirectory data, RunningServer server)
    {
        _data = data;
        Server = server;
        // No bearer token: a forge has none, and the route must not need one.
        Anonymous = server.CreateClient(token: null);
    }

    public RunningServer Server { get; }

    public HttpClient Anonymous { get; }

    /// <param name="shared">settings under Webhooks besides GitHub (CommandWord, MaxFixRounds, …).</param>
    /// <param name="more">other top-level sections (Repositories, …).</param>
    public static async Task<WebhookTestServer> StartAsync(
        object? webhookSettings = null,
        string? database = null,
        bool withForge = true,
        object? forges = null,
        IReadOnlyDictionary<string, object>? shared = null,
        IReadOnlyDictionary<string, object>? more = null)
    {
        var data = new TempDirectory();
        try
        {
            var webhooks = new Dictionary<string, object> { ["GitHub"] = webhookSettings ?? new { Secret } };
            foreach (var (key, value) in shared ?? new Dictionary<string, object>())
            {
                webhooks[key] = value;
            }
            var settings = new Dictionary<string, object> { ["Webhooks"] = webhooks };
            foreach (var (key, value) in more ?? new Dictionary<string, object>())
            {
                settings[key] = value;
            }
            if (withForge)
            {
                settings["Forges"] = forges ?? new { github = new { Token = "test-token-never-used" } };
            }
            await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(settings));
            var server = await RunningServer.StartAsync(o => o.Database = database, dataDirectory: data.Path);
            return new WebhookTestServer(data, server);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public static string LabeledIssue(
        string action = "labeled",
        string label = "nightshift",
        string senderType = "User",
        string cloneUrl = CloneUrl,
        string title = "Crash when the config file is empty",
        string? body = "Steps: run `app --config empty.yml`.\nExpected: a clear message.") =>
        JsonSerializer.Serialize(new
        {
            action,
            issue = new
            {
                number = 42,
                html_url = IssueUrl,
                title,
                body,
                state = "open",
                user = new { login = "octocat", type = "User" },
                labels = new[] { new { name = label } },
            },
            label = new { name = label, color = "ededed" },
            repository = new { id = 1296269, full_name = "octo-org/hello-world", clone_url = cloneUrl, html_url = "https://github.com/octo-org/hello-world" },
            sender = new { login = senderType == "Bot" ? "helper[bot]" : "octocat", type = senderType },
        });

    public Task<HttpResponseMessage> SendAsync(string body, string delivery, string eventName = "issues", string? signature = "sign") =>
        SendAsync(Encoding.UTF8.GetBytes(body), delivery, eventName, signature);

    /// <param name="signature">"sign" signs with <see cref="Secret"/>; null sends no signature; anything else is sent as is.</param>
    public async Task<HttpResponseMessage> SendAsync(byte[] body, string? delivery, string? eventName = "issues", string? signature = "sign")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (delivery is not null)
        {
            request.Headers.TryAddWithoutValidation(GitHubWebhookHandler.DeliveryHeader, delivery);
        }
        if (eventName is not null)
        {
            request.Headers.TryAddWithoutValidation(GitHubWebhookHandler.EventHeader, eventName);
        }
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(GitHubSignature.Header, signature == "sign" ? GitHubSignature.Compute(Secret, body) : signature);
        }
        return await Anonymous.SendAsync(request);
    }

    /// <summary>Waits until the trigger processor has acted on the delivery, and returns its record.</summary>
    public async Task<WebhookDelivery> ProcessedAsync(string delivery)
    {
        WebhookDelivery? kept = null;
        await TestKit.TestDefaults.WaitUntilAsync(
            async () => (kept = await Server.Store.FindDeliveryAsync("github", delivery)) is { Outcome: not "accepted" },
            $"the trigger processor to act on delivery {delivery}");
        return kept!;
    }

    public async Task<IReadOnlyList<TaskRecord>> TasksAsync() => (await Server.Store.ListAsync(new TaskQuery(Limit: TaskQuery.MaxLimit))).Items;

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await Server.DisposeAsync();
        _data.Dispose();
    }
}
