using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.TestKit;

namespace Nightshift.Cli.Tests.Commands.Org;

/// <summary>The real server in this process on 127.0.0.1 without a worker; the CLI finds it through the data folder.</summary>
public sealed class OrgsServer : IAsyncLifetime
{
    private WebApplication app = null!;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("ns-cli-orgs-").FullName;

    public INightshiftStore Store => app.Services.GetRequiredService<INightshiftStore>();

    public async Task InitializeAsync()
    {
        app = NightshiftHost.BuildServer(
            new NightshiftServerOptions
            {
                DataDirectory = DataDirectory,
                Urls = ["http://127.0.0.1:0"],
                RunWorker = false,
                WriteConsoleMessages = false,
            },
            services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync(TestDefaults.TimeoutToken());
        await TestDefaults.WaitUntilAsync(() => File.Exists(Path.Combine(DataDirectory, "server.json")), "the server writes server.json");
    }

    /// <summary>Runs the CLI in this process against this server.</summary>
    public async Task<TestKit.Cli.CliResult> CliAsync(params string[] args)
    {
        using var cli = new InProcessCli();
        return await cli.RunAsync([.. args, "--data", DataDirectory]);
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync(TestDefaults.TimeoutToken());
        await app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
