using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.Server.Tests.Telemetry;

/// <summary>
/// A collector's OTLP/HTTP front door on 127.0.0.1: accepts protobuf POSTs to <c>/v1/traces</c> and <c>/v1/metrics</c>
/// and keeps their bodies. Protobuf writes strings as plain UTF-8, so span and metric names can be found in the bytes.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<(string Path, string ContentType, byte[] Body)> Requests => [.. _requests];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver._requests.Enqueue(("/v1/" + signal, request.ContentType ?? "", body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    /// <summary>True once a body posted to <paramref name="path"/> holds <paramref name="text"/>.</summary>
    public bool Received(string path, string text) =>
        Requests.Any(r => r.Path == path && System.Text.Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
