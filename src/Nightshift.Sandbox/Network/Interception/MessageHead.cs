using System.Globalization;
using System.Text;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// One HTTP/1.1 message head read strictly: CRLF line ends, no folded lines, header names that are tokens, no control
/// bytes, and a body framing that can be read only one way — a request with both Content-Length and
/// Transfer-Encoding, with several Content-Length headers, or with a coding other than chunked is refused, since a
/// server behind the proxy might read it differently (request smuggling).
/// </summary>
internal sealed class MessageHead
{
    private const int MaxHeaders = 100;

    private MessageHead(string[] startLine, List<(string Name, string Value)> headers)
    {
        StartLine = startLine;
        Headers = headers;
    }

    /// <summary>The start line's three parts: method, target, version (request) or version, status, reason (response).</summary>
    public string[] StartLine { get; }

    public List<(string Name, string Value)> Headers { get; }

    /// <summary>The body's length when Content-Length frames it; null otherwise.</summary>
    public long? ContentLength { get; private set; }

    /// <summary>True when the body is chunked.</summary>
    public bool Chunked { get; private set; }

    /// <summary>True when Transfer-Encoding names codings other than a final chunked (a response then runs to the close).</summary>
    public bool OtherCoding { get; private set; }

    public IEnumerable<string> Values(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>True when a Connection header lists <paramref name="option"/> (close, keep-alive).</summary>
    public bool ConnectionHas(string option) =>
        Values("Connection").SelectMany(v => v.Split(',')).Any(o => o.Trim().Equals(option, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a request head; null with <paramref name="problem"/> when it is refused.</summary>
    public static MessageHead? ParseRequest(ReadOnlySpan<byte> head, out string? problem)
    {
        if (Parse(head, out problem) is not { } parsed)
        {
            return null;
        }
        var line = parsed.StartLine;
        if (line.Length != 3 || line[0].Length is 0 or > 20 || !line[0].All(IsTokenChar) || line[1].Length == 0 || line[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            problem = "the request line is not 'METHOD target HTTP/1.1'";
            return null;
        }
        if (parsed.Values("Transfer-Encoding").Any())
        {
            var codings = parsed.Values("Transfer-Encoding").SelectMany(v => v.Split(',')).Select(c => c.Trim()).ToList();
            if (codings.Count != 1 || !codings[0].Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                problem = "Transfer-Encoding must be exactly 'chunked'";
                return null;
            }
            parsed.Chunked = true;
        }
        var lengths = parsed.Values("Content-Length").ToList();
        if (lengths.Count > 1)
        {
            problem = "the request has more than one Content-Length header";
            return null;
        }
        if (lengths.Count == 1)
        {
            if (parsed.Chunked)
            {
                problem = "the request has both Content-Length and Transfer-Encoding; send one of them";
                return null;
            }
            if (ParseLength(lengths[0]) is not { } length)
            {
                problem = "Content-Length is not a number";
                return null;
            }
            parsed.ContentLength = length;
        }
        return parsed;
    }

    /// <summary>Reads a response head; null with <paramref name="problem"/> when it cannot be relayed safely.</summary>
    public static MessageHead? ParseResponse(ReadOnlySpan<byte> head, out string? problem)
    {
        if (Parse(head, out problem) is not { } parsed)
        {
            return null;
        }
        var line = parsed.StartLine;
        if (line.Length < 2 || line[0] is not ("HTTP/1.1" or "HTTP/1.0") || line[1].Length != 3 || !line[1].All(char.IsAsciiDigit))
        {
            problem = "the response's status line is not 'HTTP/1.1 NNN reason'";
            return null;
        }
        var codings = parsed.Values("Transfer-Encoding").SelectMany(v => v.Split(',')).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (codings.Count > 0)
        {
            parsed.Chunked = codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase);
            parsed.OtherCoding = !parsed.Chunked;
            return parsed;
        }
        var lengths = parsed.Values("Content-Length").SelectMany(v => v.Split(',')).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (lengths.Count > 1 || (lengths.Count == 1 && ParseLength(lengths[0]) is null))
        {
            problem = "the response's Content-Length is not one number";
            return null;
        }
        parsed.ContentLength = lengths.Count == 1 ? ParseLength(lengths[0]) : null;
        return parsed;
    }

    /// <summary>The status of a response head.</summary>
    public int Status => int.Parse(StartLine[1], NumberStyles.None, CultureInfo.InvariantCulture);

    private static MessageHead? Parse(ReadOnlySpan<byte> head, out string? problem)
    {
        problem = null;
        foreach (var b in head)
        {
            // obs-text (0x80–0xFF) may appear in values; control bytes other than tab and the line ends may not.
            if (b is 0 or 0x7F || (b < 0x20 && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t'))
            {
                problem = "the head holds a control byte";
                return null;
            }
        }
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        if (lines.Any(l => l.Contains('\r', StringComparison.Ordinal) || l.Contains('\n', StringComparison.Ordinal)))
        {
            problem = "lines of the head must end in CRLF";
            return null;
        }
        var startLine = lines[0].Split(' ', 3);
        var headers = new List<(string Name, string Value)>();
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                problem = "a header line is folded onto the next (obsolete line folding is refused)";
                return null;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].All(IsTokenChar))
            {
                problem = "a header line is not 'Name: value'";
                return null;
            }
            headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        if (headers.Count > MaxHeaders)
        {
            problem = $"the head has more than {MaxHeaders} headers";
            return null;
        }
        return new MessageHead(startLine, headers);
    }

    private static long? ParseLength(string value) =>
        value.Length is > 0 and <= 18 && value.All(char.IsAsciiDigit) ? long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    internal static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
