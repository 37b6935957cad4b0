using System.Runtime.CompilerServices;
using System.Text;

namespace Nightshift.Cli.Api;

/// <summary>
/// Reads a <c>text/event-stream</c> body into messages: <c>id:</c>, <c>event:</c>, <c>data:</c> lines up to a blank line;
/// comments (heartbeats) are skipped.
/// </summary>
internal static class SseReader
{
    /// <summary>Above the event log's own 256 KiB payload limit with room for the envelope; a longer line is not ours.</summary>
    public const int MaxLineChars = 1024 * 1024;

    /// <exception cref="ProtocolException">a line is longer than <see cref="MaxLineChars"/>.</exception>
    public static async IAsyncEnumerable<SseMessage> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        string? id = null;
        string? type = null;
        var data = new StringBuilder();
        var hasData = false;
        var skipLineFeed = new bool[1];
        while (true)
        {
            var line = await ReadLineAsync(reader, skipLineFeed, cancellationToken);
            if (line is null)
            {
                // A message without its closing blank line was cut off mid-way; it is not dispatched.
                yield break;
            }
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseMessage(id, type ?? "message", data.ToString());
                }
                type = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }
                    data.Append(value);
                    hasData = true;
                    if (data.Length > MaxLineChars)
                    {
                        throw new ProtocolException($"the event stream sent a message longer than {MaxLineChars} characters; that is not a Nightshift event");
                    }
                    break;
                case "event":
                    type = value;
                    break;
                case "id":
                    if (!value.Contains('\0', StringComparison.Ordinal))
                    {
                        id = value;
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, bool[] skipLineFeed, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var buffer = new char[1];
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken);
            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }
            var c = buffer[0];
            // A CR LF pair is one line end; looking ahead instead would block on a quiet stream.
            if (skipLineFeed[0])
            {
                skipLineFeed[0] = false;
                if (c == '\n')
                {
                    continue;
                }
            }
            if (c == '\n')
            {
                return line.ToString();
            }
            if (c == '\r')
            {
                skipLineFeed[0] = true;
                return line.ToString();
            }
            line.Append(c);
            if (line.Length > MaxLineChars)
            {
                throw new ProtocolException($"the event stream sent a line longer than {MaxLineChars} characters; that is not a Nightshift event");
            }
        }
    }
}
