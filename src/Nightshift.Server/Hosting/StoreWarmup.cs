using Nightshift.Storage;

namespace Nightshift.Server.Hosting;

/// <summary>Opens the store when the host starts; resolving it runs the migrations.</summary>
internal sealed class StoreWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        services.GetRequiredService<INightshiftStore>().PingAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
