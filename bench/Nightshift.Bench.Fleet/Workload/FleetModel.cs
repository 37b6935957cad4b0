using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.TestKit.Models;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// The zero-latency scripted model of a run (OpenAI protocol on 127.0.0.1): answers each request by the task marker and
/// subtask it names, never by call order; stamps every tool call it answers with <c>{worker}#{number}</c>; logs every
/// request as a <see cref="ModelCall"/>; injects the model faults on demand.
/// </summary>
/// <remarks>
/// The caller is the first path segment (<c>/{label}/v1/chat/completions</c>). A plan request (offered
/// <c>submit_plan</c>, not <c>edit_file</c>) gets the spec's plan; a subtask's first build turn gets <c>write_file</c> of
/// <c>{marker}-{subtask}.txt</c> (its name, then <c>stamp {label}#{number}</c>); a later turn gets <c>finish</c>; anything
/// else gets <c>finish</c>.
/// <para>
/// ModelFailure tasks: the first plan request of such a task that the script answers (not one a fault answered) gets
/// HTTP 400. The provider does not retry a 400 (only 408, 429 and 5xx are transient), so it surfaces as a
/// <c>ModelProviderException</c> (bad request), which the task executor turns into a retryable outcome: the attempt ends
/// with <c>task.retrying</c>, the queue runs it again, and that attempt's plan request is answered normally. A 429 or 500
/// would instead be retried inside the provider and absorbed there.
/// </para>
/// No request body is kept after it is answered; <see cref="Calls"/> grows by one small record per request.
/// </remarks>
public sealed class FleetModel : IAsyncDisposable
{
    /// <summary>What <c>NIGHTSHIFT_MODEL</c> is set to for every process of the run.</summary>
    public const string ModelName = "openai/gpt-4.1";

    /// <summary>What <c>OPENAI_API_KEY</c> is set to (an obviously fake key).</summary>
    public const string ApiKey = "sk-fleet-harness-not-a-real-key";

    private readonly Lock _gate = new();
    private readonly List<ModelCall> _calls = [];
    private readonly ConcurrentDictionary<string, FleetTaskSpec> _specs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private WebApplication _app = null!;
    private Uri _baseUri = null!;
    private int _number;
    private int _errorToggle;
    private DateTimeOffset _errorsUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _hangUntil = DateTimeOffset.MinValue;
    private CancellationTokenSource _hang = new();

    private FleetModel(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ModelCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The server's root (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri BaseUri => _baseUri;

    public static Task<FleetModel> StartAsync(CancellationToken cancellationToken = default) => StartAsync(TimeProvider.System, cancellationToken);

    /// <summary>Starts the server on a free loopback port; fault windows are timed by <paramref name="time"/>.</summary>
    public static async Task<FleetModel> StartAsync(TimeProvider time, CancellationToken cancellationToken = default)
    {
        var model = new FleetModel(time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(model.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        model._app = app;
        model._baseUri = new Uri(address.TrimEnd('/') + "/");
        return model;
    }

    /// <summary>Tells the model what to answer for these tasks (their plans, files, and the scripted failure of ModelFailure tasks).</summary>
    public void Register(IEnumerable<FleetTaskSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        foreach (var spec in specs)
        {
            _specs[spec.Marker] = spec;
            if (spec.Kind == FleetTaskKind.ModelFailure)
            {
                _failuresLeft[spec.Marker] = 1;
            }
        }
    }

    /// <summary>The <c>OPENAI_BASE_URL</c> for a worker (or <c>api</c> for the server): <c>http://127.0.0.1:PORT/{label}/v1/</c>.</summary>
    public Uri BaseUriFor(string label)
    {
        if (string.IsNullOrWhiteSpace(label) || label.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            throw new ArgumentException($"'{label}' is not a usable caller label: use letters, digits, '-' or '_' (e.g. w1, api)", nameof(label));
        }
        return new Uri(_baseUri, $"{label}/v1/");
    }

    /// <summary>From now until <paramref name="duration"/> has passed, answers 429 (with Retry-After) and 500 alternately.</summary>
    public void BeginErrors(TimeSpan duration)
    {
        lock (_gate)
        {
            _errorsUntil = _time.GetUtcNow() + duration;
        }
    }

    /// <summary>From now until <paramref name="duration"/> has passed, requests get no answer (held, then the connection is dropped when the hang ends).</summary>
    public void BeginHang(TimeSpan duration)
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            previous = _hang;
            _hang = new CancellationTokenSource(duration, _time);
            _hangUntil = _time.GetUtcNow() + duration;
        }
        // Requests held by an earlier hang are let go now rather than kept into the new one.
        previous.Cancel();
        previous.Dispose();
    }

    /// <summary>Ends any model fault now.</summary>
    public void EndFaults()
    {
        lock (_gate)
        {
            _errorsUntil = DateTimeOffset.MinValue;
            _hangUntil = DateTimeOffset.MinValue;
            _hang.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
        lock (_gate)
        {
            _hang.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var label = Label(path);
        if (!path.EndsWith("/chat/completions", StringComparison.Ordinal) || !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"fleet model: no route {context.Request.Method} {path}; POST /{{label}}/v1/chat/completions");
            return;
        }
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var request = FleetModelRequest.Read(body);
        var spec = request.Marker is { } marker && _specs.TryGetValue(marker, out var known) ? known : null;
        var (kind, subtask) = FleetAnswers.Place(request, spec);
        var number = Interlocked.Increment(ref _number);
        var stamp = $"{label}#{number}";
        var at = _time.GetUtcNow();
        var fault = Fault(at, out var hang);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            switch (fault)
            {
                case FaultAnswer.Hang:
                    Log(new ModelCall(number, at, label, request.Marker, subtask, kind, 0, stamp));
                    await HoldAsync(stop.Token, hang);
                    context.Abort();
                    return;
                case FaultAnswer.TooMany:
                    Log(new ModelCall(number, at, label, request.Marker, subtask, kind, 429, stamp));
                    await FailAsync(context, 429, "fleet model: rate limited (injected fault)", "1", stop.Token);
                    return;
                case FaultAnswer.ServerError:
                    Log(new ModelCall(number, at, label, request.Marker, subtask, kind, 500, stamp));
                    await FailAsync(context, 500, "fleet model: server error (injected fault)", null, stop.Token);
                    return;
            }
            if (kind == ModelCallKind.Plan && spec is not null && TakeScriptedFailure(spec.Marker))
            {
                Log(new ModelCall(number, at, label, request.Marker, subtask, kind, 400, stamp));
                await FailAsync(context, 400, $"fleet model: {spec.Marker}'s first attempt fails at the model on purpose (scripted); a retry succeeds", null, stop.Token);
                return;
            }
            Log(new ModelCall(number, at, label, request.Marker, subtask, kind, 200, stamp));
            await AnswerAsync(context, request, FleetAnswers.Answer(kind, spec, subtask, stamp), number, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            context.Abort();
        }
    }

    private enum FaultAnswer
    {
        None,
        Hang,
        TooMany,
        ServerError,
    }

    private FaultAnswer Fault(DateTimeOffset now, out CancellationToken hang)
    {
        lock (_gate)
        {
            hang = _hang.Token;
            if (now < _hangUntil && !hang.IsCancellationRequested)
            {
                return FaultAnswer.Hang;
            }
            if (now < _errorsUntil)
            {
                return _errorToggle++ % 2 == 0 ? FaultAnswer.TooMany : FaultAnswer.ServerError;
            }
            return FaultAnswer.None;
        }
    }

    /// <summary>Waits until the hang ends (or the caller gives up, or the server stops).</summary>
    private async Task HoldAsync(CancellationToken stop, CancellationToken hang)
    {
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stop, hang);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, held.Token);
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // The hang ended (or the request went away): the connection is dropped without an answer.
        }
    }

    private bool TakeScriptedFailure(string marker)
    {
        while (_failuresLeft.TryGetValue(marker, out var left) && left > 0)
        {
            if (_failuresLeft.TryUpdate(marker, left - 1, left))
            {
                return true;
            }
        }
        return false;
    }

    private void Log(ModelCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    /// <summary>The caller's label: the path's first segment (<c>/w2/v1/chat/completions</c> → <c>w2</c>), as given.</summary>
    private static string Label(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? trimmed : trimmed[..slash];
        return first.Length == 0 || first == "v1" ? "(none)" : first;
    }

    private static async Task FailAsync(HttpContext context, int status, string message, string? retryAfter, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        await context.Response.WriteAsync(OpenAIWire.Error(message, status), cancellationToken);
    }

    private static async Task AnswerAsync(HttpContext context, FleetModelRequest request, ScriptedAnswer answer, int number, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = 200;
        if (!request.Stream)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(OpenAIWire.Completion(answer, request.Model, number), cancellationToken);
            return;
        }
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var events = new StringBuilder();
        foreach (var item in OpenAIWire.Stream(answer, request.Model, number, request.IncludeUsage))
        {
            events.Append(item);
        }
        // Zero latency: the whole stream in one write.
        await response.WriteAsync(events.ToString(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
