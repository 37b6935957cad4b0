using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Configuration;
using Nightshift.Server.Hosting;
using Nightshift.Storage;

namespace Nightshift.Server.Tests.Support;

/// <summary>The real server (Kestrel on 127.0.0.1, port chosen by the system) in this process, with a client that carries the token.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly TempDirectory? _ownedData;

    private RunningServer(WebApplication app, string url, string dataDirectory, TempDirectory? ownedData)
    {
        App = app;
        Url = url;
        DataDirectory = dataDirectory;
        _ownedData = ownedData;
        Token = File.ReadAllText(NightshiftPaths.TokenFile(dataDirectory)).Trim();
        Client = CreateClient(Token);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public string DataDirectory { get; }

    public string Token { get; }

    public HttpClient Client { get; }

    public INightshiftStore Store => App.Services.GetRequiredService<INightshiftStore>();

    public static async Task<RunningServer> StartAsync(
        Action<NightshiftServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string? dataDirectory = null)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var options = new NightshiftServerOptions
        {
            DataDirectory = dataDirectory ?? owned!.Path,
            Urls = ["http://127.0.0.1:0"],
            RunWorker = false,
            WorkerSlots = 2,
            LeaseDuration = TimeSpan.FromSeconds(6),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromSeconds(1),
            ReclaimInterval = TimeSpan.FromSeconds(1),
            WriteConsoleMessages = false,
        };
        configure?.Invoke(options);
        var app = NightshiftHost.BuildServer(options, s =>
        {
            s.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services?.Invoke(s);
        });
        await app.StartAsync(TestKit.TestDefaults.TimeoutToken());
        var url = app.Services.GetRequiredService<ServerInfoPublisher>().Url
            ?? throw new InvalidOperationException("the server started without an address");
        return new RunningServer(app, url, options.DataDirectory, owned);
    }

    public HttpClient CreateClient(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TestKit.TestDefaults.Timeout };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var stop = new CancellationTokenSource(TestKit.TestDefaults.Timeout))
        {
            await App.StopAsync(stop.Token);
        }
        await App.DisposeAsync();
        _ownedData?.Dispose();
    }
}
