using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>One server process per test class: the server's test host with a chosen executor, on a free port.</summary>
public abstract class TestHostServer(params string[] arguments) : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Nightshift.Server.TestHost.dll");
        Server = await ServerProcess.StartAsync(dll, ["--data", "{data}", "--urls", "http://127.0.0.1:0", .. arguments]);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Runs the CLI against this server; it finds the URL and token through <c>--data</c>, as a user's would.</summary>
    public Task<CliResult> CliAsync(params string[] args) => CliProcess.RunAsync([.. args, "--data", Server.DataDirectory]);
}

/// <summary>Tasks emit a few events and succeed.</summary>
public sealed class ScriptedServer() : TestHostServer("--executor", "scripted");

/// <summary>No worker: tasks stay queued until cancelled.</summary>
public sealed class QueueOnlyServer() : TestHostServer("--no-worker");
