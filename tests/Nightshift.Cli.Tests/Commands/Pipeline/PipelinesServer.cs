using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Pipelines;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit;

namespace Nightshift.Cli.Tests.Commands.Pipeline;

/// <summary>
/// The real server in this process on 127.0.0.1 without a worker and with the pipeline coordinator switched off, so a
/// run stays where a test puts it; tests move runs as the coordinator would (a lease, then ApplyAsync).
/// </summary>
public sealed class PipelinesServer : IAsyncLifetime
{
    private WebApplication app = null!;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("ns-cli-pipelines-").FullName;

    public IPipelineStore Store => app.Services.GetRequiredService<INightshiftStore>();

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "appsettings.json"), """{"Pipelines": {"Enabled": false}}""");
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

    /// <summary>Takes the run as a coordinator would and applies <paramref name="change"/> under that lease, then lets it go.</summary>
    public async Task ApplyAsync(string runId, RunChange change)
    {
        RunLease? lease = null;
        await TestDefaults.WaitUntilAsync(
            async () =>
            {
                foreach (var claimed in await Store.ClaimRunsAsync("cli-test", TimeSpan.FromMinutes(1), 100))
                {
                    if (claimed.RunId == runId)
                    {
                        lease = claimed;
                    }
                    else
                    {
                        await Store.ReleaseRunAsync(claimed, DateTimeOffset.UtcNow);
                    }
                }
                return lease is not null;
            },
            $"run {runId} is claimed");
        await Store.ApplyAsync(lease!, change);
        await Store.ReleaseRunAsync(lease!, DateTimeOffset.UtcNow);
    }

    public static (string Type, string DataJson) Event(string type, object data) =>
        (type, System.Text.Json.JsonSerializer.Serialize(data, Core.Serialization.NightshiftJson.Options));

    public static RunStepRecord Step(string runId, string name, StepState state, string? output = null, string? reason = null) =>
        new() { RunId = runId, Name = name, State = state, Output = output, Reason = reason };

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
