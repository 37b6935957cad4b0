using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.TestKit.Models;

/// <summary>
/// A model server on 127.0.0.1 (port chosen by the OS) that speaks OpenAI Chat Completions
/// (<c>…/chat/completions</c>) and Anthropic Messages (<c>…/v1/messages</c>), streaming or not, answering from a
/// script: rules first (<see cref="When"/>), then the queue (<see cref="Enqueue"/>), then <see cref="Fallback"/>.
/// Every request is kept in <see cref="Requests"/>, headers included.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Queue<ScriptedReply> _queue = new();
    private readonly List<Rule> _rules = [];
    private readonly List<ReceivedModelRequest> _requests = [];
    private readonly CancellationTokenSource _stopping = new();

    private ScriptedModelServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What ANTHROPIC_BASE_URL should be (the SDK appends /v1/messages).</summary>
    public Uri AnthropicBaseUri => BaseUri;

    /// <summary>What OPENAI_BASE_URL (or any OpenAI-compatible base URL) should be.</summary>
    public Uri OpenAIBaseUri => new(BaseUri, "v1/");

    /// <summary>Answers requests nothing else matched; null means a 500 that says the script ran out.</summary>
    public ScriptedReply? Fallback { get; set; }

    public IReadOnlyList<ReceivedModelRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int RequestCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    public static async Task<ScriptedModelServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedModelServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Replies served in order, one per request, whatever the protocol.</summary>
    public ScriptedModelServer Enqueue(params ScriptedReply[] replies)
    {
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _queue.Enqueue(reply);
            }
        }
        return this;
    }

    /// <summary>Answers requests that <paramref name="matcher"/> accepts, <paramref name="times"/> times (null: always).</summary>
    public ScriptedModelServer When(Func<ReceivedModelRequest, bool> matcher, ScriptedReply reply, int? times = null)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(matcher, reply, times));
        }
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        ModelWireFormat format;
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            format = ModelWireFormat.OpenAIChatCompletions;
        }
        else if (path.EndsWith("/messages", StringComparison.Ordinal))
        {
            format = ModelWireFormat.AnthropicMessages;
        }
        else
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"scripted model server: no route {path}");
            return;
        }
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        ReceivedModelRequest request;
        ScriptedReply? reply;
        lock (_gate)
        {
            request = new ReceivedModelRequest(_requests.Count + 1, format, context.Request.Method, path, headers, body);
            _requests.Add(request);
            reply = Choose(request);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await RespondAsync(context, request, reply, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            context.Abort();
        }
    }

    private ScriptedReply? Choose(ReceivedModelRequest request)
    {
        for (var i = 0; i < _rules.Count; i++)
        {
            var rule = _rules[i];
            if (rule.Matcher(request))
            {
                if (rule.Remaining is { } remaining)
                {
                    _rules[i] = rule with { Remaining = remaining - 1 };
                    if (remaining - 1 <= 0)
                    {
                        _rules.RemoveAt(i);
                    }
                }
                return rule.Reply;
            }
        }
        return _queue.TryDequeue(out var next) ? next : Fallback;
    }

    private static async Task RespondAsync(HttpContext context, ReceivedModelRequest request, ScriptedReply? reply, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var openAI = request.Format == ModelWireFormat.OpenAIChatCompletions;
        var model = request.Model ?? "scripted-model";
        switch (reply)
        {
            case null:
                response.StatusCode = 500;
                response.ContentType = "application/json";
                var exhausted = $"scripted model server: request {request.Number} had no scripted reply (the script ran out)";
                await response.WriteAsync(openAI ? WireRendering.OpenAIError(exhausted, 500) : WireRendering.AnthropicError(exhausted, 500), cancellationToken);
                return;
            case ScriptedHang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return;
            case ScriptedFailure failure:
                response.StatusCode = failure.StatusCode;
                response.ContentType = "application/json";
                if (failure.RetryAfter is { } retryAfter)
                {
                    response.Headers.RetryAfter = retryAfter;
                }
                await response.WriteAsync(openAI ? WireRendering.OpenAIError(failure.Message, failure.StatusCode) : WireRendering.AnthropicError(failure.Message, failure.StatusCode), cancellationToken);
                return;
            case ScriptedRaw raw:
                response.StatusCode = raw.StatusCode;
                response.ContentType = raw.ContentType;
                await response.WriteAsync(raw.Body, cancellationToken);
                return;
            case ScriptedAnswer answer when request.Stream:
                response.StatusCode = 200;
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
                var includeUsage = request.Json.TryGetProperty("stream_options", out var streamOptions)
                    && streamOptions.TryGetProperty("include_usage", out var include) && include.ValueKind == System.Text.Json.JsonValueKind.True;
                var events = openAI
                    ? WireRendering.OpenAIStream(answer, model, request.Number, includeUsage)
                    : WireRendering.AnthropicStream(answer, model, request.Number);
                foreach (var item in events)
                {
                    await response.WriteAsync(item, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
                return;
            case ScriptedAnswer answer:
                response.StatusCode = 200;
                response.ContentType = "application/json";
                await response.WriteAsync(openAI ? WireRendering.OpenAICompletion(answer, model, request.Number) : WireRendering.AnthropicMessage(answer, model, request.Number), cancellationToken);
                return;
            default:
                throw new InvalidOperationException($"unknown scripted reply {reply.GetType().Name}");
        }
    }

    private sealed record Rule(Func<ReceivedModelRequest, bool> Matcher, ScriptedReply Reply, int? Remaining);
}
