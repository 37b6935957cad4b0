using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nightshift.Server.Hosting;

/// <summary>
/// Once Kestrel has bound, writes the real address to <c>&lt;data&gt;/server.json</c> and prints it; removes the file on a clean exit.
/// </summary>
internal sealed partial class ServerInfoPublisher(
    IServer server,
    NightshiftServerOptions options,
    ILogger<ServerInfoPublisher> logger) : IHostedLifecycleService
{
    private string? _writtenTo;

    /// <summary>The address clients should use, once the server has started.</summary>
    public string? Url { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = PickClientUrl(addresses);
        if (url is null)
        {
            return;
        }
        Url = url;
        var path = ServerInfoFile.PathIn(options.DataDirectory);
        var temp = path + ".tmp-" + Environment.ProcessId;
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new ServerInfoFile(url, Environment.ProcessId)) + "\n", cancellationToken);
        File.Move(temp, path, overwrite: true);
        _writtenTo = path;
        LogListening(logger, url);
        if (options.WriteConsoleMessages)
        {
            await Console.Out.WriteLineAsync($"Nightshift listening on {url}");
            await Console.Out.FlushAsync(cancellationToken);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Only our own file: another server may have started on the same data folder since.
        if (_writtenTo is not null && ServerInfoFile.TryRead(options.DataDirectory) is { } info && info.Pid == Environment.ProcessId)
        {
            File.Delete(_writtenTo);
        }
        return Task.CompletedTask;
    }

    /// <summary>The first http address, with a wildcard host replaced by the loopback address a local client can reach.</summary>
    internal static string? PickClientUrl(IEnumerable<string> addresses)
    {
        var all = addresses.ToList();
        var chosen = all.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? all.FirstOrDefault();
        if (chosen is null || !Uri.TryCreate(chosen.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return chosen;
        }
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri) { Host = host, Path = "" }.Uri.ToString().TrimEnd('/');
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Nightshift listening on {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}
