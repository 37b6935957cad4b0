using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.Bench.Outbound;

/// <summary>A webhook receiver on 127.0.0.1 that answers 204 and notes when each (task, seq) first arrived.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private Receiver(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Stopwatch ticks of each first arrival, by "taskId/seq".</summary>
    public ConcurrentDictionary<string, long> Arrivals { get; } = new(StringComparer.Ordinal);

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(async context =>
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var now = Stopwatch.GetTimestamp();
            if (doc.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("event", out var ev))
            {
                receiver.Arrivals.TryAdd($"{ev.GetProperty("taskId").GetString()}/{ev.GetProperty("seq").GetInt64()}", now);
            }
            Interlocked.Increment(ref receiver._count);
            context.Response.StatusCode = 204;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    public async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the receiver did not get what was expected within {timeout.TotalSeconds:0} s (it has {Count})");
            }
            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
