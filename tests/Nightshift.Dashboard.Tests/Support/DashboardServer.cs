using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.TestKit;

namespace Nightshift.Dashboard.Tests.Support;

/// <summary>
/// The real server on 127.0.0.1 (port chosen by the system) with <see cref="DashboardExecutor"/> as its worker's executor,
/// or with the real agent (<see cref="StartWithAgentAsync"/>).
/// </summary>
internal sealed partial class DashboardServer : IAsyncDisposable
{
    private readonly string _data;
    private readonly DashboardExecutor? _executor;

    private DashboardServer(WebApplication app, string url, string data, DashboardExecutor? executor)
    {
        App = app;
        Url = url;
        _data = data;
        _executor = executor;
        Token = File.ReadAllText(NightshiftPaths.TokenFile(data)).Trim();
        Api = new HttpClient { BaseAddress = new Uri(url), Timeout = TestDefaults.Timeout };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public string Token { get; }

    /// <summary>A client carrying the bearer token, as scripts use the API.</summary>
    public HttpClient Api { get; }

    public DashboardExecutor Executor => _executor ?? throw new InvalidOperationException("this server runs the real agent, not DashboardExecutor");

    public INightshiftStore Store => App.Services.GetRequiredService<INightshiftStore>();

    /// <param name="appSettingsJson">when given, the data folder's <c>appsettings.json</c>.</param>
    public static async Task<DashboardServer> StartAsync(bool hold = false, string? database = null, bool runWorker = true, string? appSettingsJson = null)
    {
        var data = NewDataFolder();
        if (appSettingsJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(data, "appsettings.json"), appSettingsJson);
        }
        var app = NightshiftHost.BuildServer(Options(data, database, runWorker), services =>
        {
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(sp => new DashboardExecutor(sp.GetRequiredService<IForge>()) { Hold = hold });
            services.AddSingleton<ITaskExecutor>(sp => sp.GetRequiredService<DashboardExecutor>());
        });
        return await StartAsync(app, data, app.Services.GetRequiredService<DashboardExecutor>());
    }

    /// <summary>
    /// The real server running the real agent (<c>AgentTaskExecutor</c>: worktrees, sandbox, verification, the local
    /// forge) with <paramref name="models"/> in place of a provider, on repositories under <paramref name="repositoryRoot"/>.
    /// <paramref name="appSettingsJson"/> becomes the data folder's <c>appsettings.json</c>.
    /// </summary>
    public static async Task<DashboardServer> StartWithAgentAsync(IAgentModels models, string repositoryRoot, string appSettingsJson)
    {
        var data = NewDataFolder();
        await File.WriteAllTextAsync(Path.Combine(data, "appsettings.json"), appSettingsJson);
        var options = Options(data, database: null, runWorker: true);
        options.AllowedRepositoryRoots = [repositoryRoot];
        var app = NightshiftHost.BuildServer(options, services =>
        {
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(models);
        });
        return await StartAsync(app, data, executor: null);
    }

    private static string NewDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "ns-dash-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        return data;
    }

    private static NightshiftServerOptions Options(string data, string? database, bool runWorker) => new()
    {
        DataDirectory = data,
        Database = database,
        Urls = ["http://127.0.0.1:0"],
        RunWorker = runWorker,
        WorkerSlots = 2,
        LeaseDuration = TimeSpan.FromSeconds(10),
        ShutdownTimeout = TimeSpan.FromSeconds(3),
        PollInterval = TimeSpan.FromMilliseconds(200),
        ReclaimInterval = TimeSpan.FromSeconds(1),
        WriteConsoleMessages = false,
    };

    private static async Task<DashboardServer> StartAsync(WebApplication app, string data, DashboardExecutor? executor)
    {
        await app.StartAsync(TestDefaults.TimeoutToken());
        var url = app.Services.GetRequiredService<ServerInfoPublisher>().Url ?? throw new InvalidOperationException("the server started without an address");
        return new DashboardServer(app, url, data, executor);
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects, asks for HTML.</summary>
    public HttpClient Browser(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Url), Timeout = TestDefaults.Timeout };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        return client;
    }

    /// <summary>Signs a browser-like client in through the sign-in form; returns the response to the form post.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string token, string path = "/signin")
    {
        var form = await browser.GetStringAsync(path);
        return await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["__antiforgery"] = AntiforgeryToken(form),
        }));
    }

    public static string AntiforgeryToken(string html) =>
        AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery field in the page");

    public async Task<string> SubmitAsync(string instruction = "Change the answer", bool approval = false, string repo = "https://github.com/example/app")
    {
        using var response = await Api.PostAsync("/api/v1/tasks", new StringContent(
            System.Text.Json.JsonSerializer.Serialize(new { repo, instruction, requirePlanApproval = approval }),
            System.Text.Encoding.UTF8,
            "application/json"));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    public async Task WaitForStatusAsync(string id, string status)
    {
        await TestDefaults.WaitUntilAsync(
            async () => await Store.FindAsync(id) is { } task && task.Status.ToWire() == status,
            $"task {id} is {status}");
    }

    public async ValueTask DisposeAsync()
    {
        _executor?.Release();
        Api.Dispose();
        using (var stop = new CancellationTokenSource(TestDefaults.Timeout))
        {
            await App.StopAsync(stop.Token);
        }
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("name=\"__antiforgery\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
