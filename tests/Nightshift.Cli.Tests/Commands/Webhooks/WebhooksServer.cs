using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;

namespace Nightshift.Cli.Tests.Commands.Webhooks;

/// <summary>
/// The real server in this process on 127.0.0.1 without a worker and with delivery switched off, so deliveries seeded
/// through its store stay as the test leaves them; the CLI finds it through the data folder, as a user's would.
/// </summary>
public sealed class WebhooksServer : IAsyncLifetime
{
    private const string Owner = "cli-test";
    private WebApplication app = null!;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("ns-cli-webhooks-").FullName;

    public IOutboundStore Store => app.Services.GetRequiredService<INightshiftStore>();

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(
            Path.Combine(DataDirectory, "appsettings.json"),
            """{"Outbound": {"Enabled": false, "AllowedHosts": ["127.0.0.1"]}}""");
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

    /// <summary>A task and one delivery of it to the endpoint, tried once and dead, with <paramref name="excerpt"/> as the receiver's answer.</summary>
    public async Task<OutboundDelivery> SeedDeadDeliveryAsync(string endpointId, string excerpt)
    {
        var store = app.Services.GetRequiredService<INightshiftStore>();
        var submitted = await store.SubmitAsync(new Core.Tasks.NewTask
        {
            Repo = "https://github.com/example/app",
            Instruction = "seed " + Guid.NewGuid().ToString("N"),
            Source = "api",
        }.Validated());
        var taskId = submitted.Task.Id;
        (await Store.ClaimOutboxCursorAsync(taskId, Owner, TimeSpan.FromMinutes(1))).ShouldNotBeNull();
        (await Store.CompleteOutboxAsync(taskId, Owner, 1, [new NewOutboundDelivery(endpointId, taskId, 1, "task.queued", "{\"type\":\"task.queued\"}")])).ShouldBeTrue();
        var delivery = (await Store.ClaimDueDeliveriesAsync(Owner, TimeSpan.FromMinutes(1), 100)).Single(d => d.TaskId == taskId);
        (await Store.RecordAttemptAsync(
            delivery.Id,
            Owner,
            new AttemptResult(AttemptOutcome.Dead, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(80), 503, "the receiver answered 503 Service Unavailable", excerpt))).ShouldBeTrue();
        return delivery;
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
