using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Nightshift.Cli.Connection;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Api;

/// <summary>The HTTP API under <c>/api/v1</c>, turned into typed calls and the CLI's own exceptions.</summary>
internal sealed partial class NightshiftApiClient(HttpClient http, ServerConnection connection)
{
    /// <summary>Plain requests are short; only the event stream is allowed to stay open.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const int MaxErrorBodyChars = 400;

    public ServerConnection Connection => connection;

    public async Task<(ApiTask Task, bool Created)> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/v1/tasks", JsonBody(request), cancellationToken);
        return (await ReadTaskAsync(response, cancellationToken), response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<ApiTaskPage> ListAsync(string? status, string? repo, string? cursor, int? limit, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("status", status);
        Add("repo", repo);
        Add("cursor", cursor);
        Add("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var path = "api/v1/tasks" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        var root = await ReadJsonAsync(response, cancellationToken);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("the task list from the server has no 'items' array; is the URL a Nightshift server?");
        }
        var tasks = items.EnumerateArray().Select(ToTask).ToList();
        string? next = root.TryGetProperty("nextCursor", out var cursorElement) && cursorElement.ValueKind == JsonValueKind.String
            ? cursorElement.GetString()
            : null;
        return new ApiTaskPage(tasks, string.IsNullOrEmpty(next) ? null : next);
    }

    public async Task<ApiTask> GetTaskAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, TaskPath(id), null, cancellationToken);
        return await ReadTaskAsync(response, cancellationToken);
    }

    /// <summary>GET /tasks/{id}/messages: the question the task waits on (the last one asked), or null.</summary>
    public async Task<string?> GetWaitingQuestionAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, TaskPath(id) + "/messages", null, cancellationToken);
        var root = await ReadJsonAsync(response, cancellationToken);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("the conversation from the server is not a JSON object with a messages array; is the URL a Nightshift server?");
        }
        string? question = null;
        foreach (var entry in messages.EnumerateArray())
        {
            var kind = entry.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (kind == "question" && entry.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                question = t.GetString();
            }
            else if (kind == "answer")
            {
                question = null;
            }
        }
        return question;
    }

    /// <summary>POST /tasks/{id}/{action}; the answer is the task (fetched again when the server sends no body).</summary>
    public async Task<ApiTask> ActAsync(string id, string action, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, TaskPath(id) + "/" + action, JsonBody(body ?? new { }), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return await GetTaskAsync(id, cancellationToken);
        }
        return ToTask(ParseJson(text));
    }

    public async Task<IReadOnlyList<ApiEvent>> GetEventsAsync(string id, long after, int limit, CancellationToken cancellationToken = default)
    {
        var path = FormattableString.Invariant($"{TaskPath(id)}/events?after={after}&limit={limit}");
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        var root = await ReadJsonAsync(response, cancellationToken);
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("the event list from the server is not a JSON array; is the URL a Nightshift server?");
        }
        return root.EnumerateArray().Select(ToEvent).ToList();
    }

    /// <summary>Follows the SSE stream from after <paramref name="lastSeq"/> until the server closes it.</summary>
    public IAsyncEnumerable<ApiEvent> StreamEventsAsync(string id, long lastSeq, CancellationToken cancellationToken = default) =>
        StreamAsync(TaskPath(id) + "/events", lastSeq, cancellationToken);

    /// <summary>Follows an SSE stream of events (a task's or a run's) from after <paramref name="lastSeq"/> until the server closes it.</summary>
    private async IAsyncEnumerable<ApiEvent> StreamAsync(string path, long lastSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, path, null);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastSeq > 0)
        {
            request.Headers.Add("Last-Event-ID", lastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, streaming: true, cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolException($"the server answered the event stream with '{mediaType ?? "no content type"}' instead of text/event-stream; is the URL a Nightshift server?");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var message in SseReader.ReadAsync(stream, cancellationToken))
        {
            JsonElement element;
            try
            {
                element = ParseJson(message.Data);
            }
            catch (ProtocolException)
            {
                continue;
            }
            var parsed = ToEvent(element);
            if (parsed.Seq == 0 && long.TryParse(message.Id, out var seq))
            {
                parsed = parsed with { Seq = seq };
            }
            yield return parsed;
        }
    }

    /// <summary>GET /health without credentials: the status it answered (200 when the server and its store are fine).</summary>
    public async Task<HttpStatusCode> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUrl, "health"));
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, streaming: false, cancellationToken, throwOnError: false);
        return response.StatusCode;
    }

    /// <summary>The id is escaped even though callers validate it: nothing typed on a command line reaches a URL path raw.</summary>
    public static string TaskPath(string id) => "api/v1/tasks/" + Uri.EscapeDataString(id);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = NewRequest(method, path, content);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, streaming: false, cancellationToken);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(connection.BaseUrl, path)) { Content = content };
        if (connection.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpRequestMessage request,
        HttpCompletionOption completion,
        bool streaming,
        CancellationToken cancellationToken,
        bool throwOnError = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!streaming)
        {
            timeout.CancelAfter(RequestTimeout);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, streaming ? cancellationToken : timeout.Token);
        }
        catch (HttpRequestException error)
        {
            throw new ServerUnreachableException(connection.BaseUrl, connection.UrlSource, Describe(error), error);
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(connection.BaseUrl, connection.UrlSource, $"no answer within {RequestTimeout.TotalSeconds:0} s", error);
        }
        if (throwOnError && !response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ToApiExceptionAsync(response, cancellationToken);
            }
        }
        return response;
    }

    private async Task<ApiException> ToApiExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = "";
        }
        var problem = ParseProblem(status, body) ?? new Problem(
            status,
            response.ReasonPhrase,
            $"the server answered {status} {response.ReasonPhrase}" + (string.IsNullOrWhiteSpace(body) ? "" : ": " + Shorten(body)),
            new Dictionary<string, string[]>());
        string? hint = status switch
        {
            401 or 403 => connection.Token is null
                ? $"no token was sent: pass --token, set NIGHTSHIFT_TOKEN, or use --data pointing at the server's data folder (its token file is <data>/token)"
                : $"the token came from {connection.TokenSource}; the server's current token is in its data folder's 'token' file",
            429 => response.Headers.RetryAfter?.Delta is { } delta ? $"the server asks to wait {delta.TotalSeconds:0} s before trying again" : "the server is rate limiting: try again shortly",
            _ => null,
        };
        return new ApiException(problem, hint);
    }

    /// <summary>Reads an RFC 7807 body; null when the body is not one.</summary>
    public static Problem? ParseProblem(int status, string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var errors = new Dictionary<string, string[]>();
            if (root.TryGetProperty("errors", out var errorsElement) && errorsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errorsElement.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind switch
                    {
                        JsonValueKind.Array => field.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText()).ToArray(),
                        JsonValueKind.String => [field.Value.GetString() ?? ""],
                        _ => [field.Value.GetRawText()],
                    };
                }
            }
            var title = Text("title");
            var detail = Text("detail");
            if (title is null && detail is null && errors.Count == 0)
            {
                return null;
            }
            return new Problem(status, title, detail, errors);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpRequestException error)
    {
        var socket = error.InnerException as SocketException ?? error.InnerException?.InnerException as SocketException;
        return socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "the host name is unknown",
            SocketError.TimedOut => "the connection timed out",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network or host is unreachable",
            _ => error.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => "the connection closed before an answer",
                HttpRequestError.InvalidResponse => "the answer was not HTTP",
                HttpRequestError.SecureConnectionError => "the TLS handshake failed",
                _ => error.Message,
            },
        };
    }

    private static StringContent JsonBody(object body) =>
        new(JsonSerializer.Serialize(body, NightshiftJson.Options), Encoding.UTF8, "application/json");

    private static async Task<ApiTask> ReadTaskAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ToTask(await ReadJsonAsync(response, cancellationToken));

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ParseJson(await response.Content.ReadAsStringAsync(cancellationToken));

    private static JsonElement ParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new ProtocolException($"the server's answer is not JSON ({Shorten(text)}); is the URL a Nightshift server?", error);
        }
    }

    private static ApiTask ToTask(JsonElement element)
    {
        try
        {
            var task = element.Deserialize<TaskRecord>(NightshiftJson.Options);
            return task is null ? throw new ProtocolException("the server sent null where a task was expected") : new ApiTask(task, element);
        }
        catch (JsonException error)
        {
            throw new ProtocolException($"the server sent a task this CLI cannot read ({error.Message}); are the CLI and server the same version?", error);
        }
    }

    private static ApiEvent ToEvent(JsonElement element)
    {
        try
        {
            var parsed = element.Deserialize<ApiEventWire>(NightshiftJson.Options)
                ?? throw new ProtocolException("the server sent null where an event was expected");
            var data = parsed.Data.ValueKind == JsonValueKind.Undefined ? EmptyObject : parsed.Data;
            return new ApiEvent(parsed.Seq, parsed.Type ?? "unknown", parsed.Time, parsed.TaskId, data);
        }
        catch (JsonException error)
        {
            throw new ProtocolException($"the server sent an event this CLI cannot read ({error.Message})", error);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static string Shorten(string text)
    {
        var flat = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return flat.Length <= MaxErrorBodyChars ? flat : flat[..MaxErrorBodyChars] + "…";
    }

    private sealed record ApiEventWire(long Seq, string? Type, DateTimeOffset Time, string? TaskId, JsonElement Data);
}
