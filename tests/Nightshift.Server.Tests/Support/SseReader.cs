using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace Nightshift.Server.Tests.Support;

/// <summary>A minimal Server-Sent Events client over HttpClient, written against the wire format, not the server's code.</summary>
internal static class SseReader
{
    public static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response;
    }

    /// <summary>Frames with an id, in order; comment lines (heartbeats) are skipped. Ends when the server ends the stream.</summary>
    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null && type is not null && data is not null)
                {
                    yield return new SseEvent(long.Parse(id, CultureInfo.InvariantCulture), type, data);
                }
                id = type = data = null;
                continue;
            }
            if (line.StartsWith(':'))
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }
    }

    public static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<SseEvent>();
        await foreach (var e in ReadAsync(response, cancellationToken))
        {
            events.Add(e);
        }
        return events;
    }
}
