using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, port chosen by the OS): records every request (headers and body) and
/// answers with what <see cref="Answer"/> says, 204 by default.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    /// <summary>How to answer a request; set it any time.</summary>
    public Func<ReceivedWebhook, HttpContext, Task> Answer { get; set; } = (_, context) =>
    {
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    };

    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = new HeaderDictionary();
            foreach (var (key, value) in context.Request.Headers)
            {
                headers[key] = value;
            }
            var request = new ReceivedWebhook(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body, DateTimeOffset.UtcNow);
            receiver._received.Enqueue(request);
            await receiver.Answer(request, context);
        });
        await app.StartAsync(TestKit.TestDefaults.TimeoutToken());
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    /// <summary>A port on 127.0.0.1 where nothing listens (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }
}
