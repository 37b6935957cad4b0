using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// What the fake GitLab and Gitea servers share: Kestrel on 127.0.0.1 (port chosen by the OS), every request recorded
/// in <see cref="Calls"/> before anything else, scripted faults (<see cref="Fail"/>) answered before authentication,
/// then the forge's own token check and routes.
/// </summary>
public abstract class FakeForgeServer : IAsyncDisposable
{
    /// <summary>Request bodies beyond this are cut when recorded; a client should never send that much.</summary>
    public const int MaxRecordedBody = 16 * 1024 * 1024;

    private readonly List<ForgeCall> _calls = [];
    private readonly List<FaultRule> _faults = [];
    private WebApplication? _app;

    protected FakeForgeServer(string token)
    {
        Token = token;
    }

    /// <summary>Guards the server's state; routes run under it.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The web address of the forge, ending in '/': http://127.0.0.1:PORT/.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>"127.0.0.1:PORT", as a repository address names the host.</summary>
    public string Host => BaseUri.Authority;

    /// <summary>The REST API's base address (…/api/v4, …/api/v1).</summary>
    public abstract Uri ApiUri { get; }

    /// <summary>The one token the forge accepts.</summary>
    public string Token { get; set; }

    public IReadOnlyList<ForgeCall> Calls
    {
        get
        {
            lock (Gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>"https"-less repository address of <paramref name="path"/> on this forge: http://127.0.0.1:PORT/path.git.</summary>
    public string RepositoryAddress(string path) => new Uri(BaseUri, path + ".git").AbsoluteUri;

    /// <summary>Answers the next <paramref name="times"/> requests that <paramref name="when"/> accepts with <paramref name="fault"/>.</summary>
    public FakeForgeServer Fail(Func<ForgeCall, bool> when, ForgeFault fault, int times = 1)
    {
        lock (Gate)
        {
            _faults.Add(new FaultRule(when, fault, times));
        }
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(grace.Token);
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    protected async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    /// <summary>True when the request carries <see cref="Token"/> the way this forge reads it.</summary>
    protected abstract bool Authenticated(ForgeCall call);

    /// <summary>What this forge answers a request without a valid token.</summary>
    protected abstract FakeAnswer Unauthorized();

    /// <summary>Answers an authenticated call; runs under <see cref="Gate"/>.</summary>
    /// <param name="route">the path after the API prefix, split at '/', each part still percent-encoded.</param>
    protected abstract FakeAnswer Route(ForgeCall call, IReadOnlyList<string> route);

    private async Task HandleAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? raw : raw[..question];
        var query = question < 0 ? string.Empty : raw[(question + 1)..];
        var body = await ReadBodyAsync(context.Request.Body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        FakeAnswer answer;
        ForgeFault? fault;
        lock (Gate)
        {
            var call = new ForgeCall(_calls.Count + 1, context.Request.Method, path, query, headers, body);
            _calls.Add(call);
            fault = TakeFault(call);
            answer = fault is not null ? new FakeAnswer(0, string.Empty)
                : !Authenticated(call) ? Unauthorized()
                : Dispatch(call);
        }
        if (fault is { Drop: true })
        {
            context.Abort();
            return;
        }
        if (fault is not null)
        {
            context.Response.StatusCode = fault.Status;
            foreach (var (name, value) in fault.Headers)
            {
                context.Response.Headers[name] = value;
            }
            context.Response.ContentType = fault.ContentType;
            await context.Response.WriteAsync(fault.Body, context.RequestAborted);
            return;
        }
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    private FakeAnswer Dispatch(ForgeCall call)
    {
        var prefix = ApiUri.AbsolutePath.TrimEnd('/') + "/";
        if (!call.Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return FakeAnswer.Message(404, "404 Not Found");
        }
        var route = call.Path[prefix.Length..].Split('/');
        return Route(call, route);
    }

    private ForgeFault? TakeFault(ForgeCall call)
    {
        for (var i = 0; i < _faults.Count; i++)
        {
            var rule = _faults[i];
            if (rule.When(call))
            {
                if (rule.Times <= 1)
                {
                    _faults.RemoveAt(i);
                }
                else
                {
                    _faults[i] = rule with { Times = rule.Times - 1 };
                }
                return rule.Fault;
            }
        }
        return null;
    }

    private static async Task<string> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read <= MaxRecordedBody)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed record FaultRule(Func<ForgeCall, bool> When, ForgeFault Fault, int Times);
}
