using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Execution;
using Nightshift.Server.Hosting;
using Nightshift.TestKit.Server;

// A real Nightshift server process for tests that need one: SIGTERM drain, restarts.
// Usage: --data DIR [--urls URL] [--executor NAME] [--lease-seconds N] [--shutdown-seconds N] [--no-worker]
var arguments = TestHostArguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine($"usage: --data DIR [--urls URL] [--executor {string.Join("|", TestExecutors.Names)}] [--lease-seconds N] [--shutdown-seconds N] [--no-worker]");
    return 2;
}

var options = new NightshiftServerOptions
{
    DataDirectory = arguments.Data,
    Urls = [arguments.Urls],
    RunWorker = arguments.RunWorker,
    WorkerSlots = 2,
    LeaseDuration = TimeSpan.FromSeconds(arguments.LeaseSeconds),
    ShutdownTimeout = TimeSpan.FromSeconds(arguments.ShutdownSeconds),
    PollInterval = TimeSpan.FromSeconds(1),
    ReclaimInterval = TimeSpan.FromSeconds(1),
};

var executor = arguments.Executor is null ? null : TestExecutors.Create(arguments.Executor);
if (arguments.Executor is not null && executor is null)
{
    Console.Error.WriteLine($"unknown executor '{arguments.Executor}'; use one of: {string.Join(", ", TestExecutors.Names)}");
    return 2;
}

try
{
    var app = NightshiftHost.BuildServer(options, services =>
    {
        if (executor is not null)
        {
            services.AddSingleton<ITaskExecutor>(executor);
        }
    });
    await app.RunAsync();
    return 0;
}
catch (ServerConfigurationException exception)
{
    Console.Error.WriteLine($"nightshift: {exception.Message}");
    return 3;
}
