namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// Reads HTTP/1.1 messages off one side of an intercepted connection: heads up to their blank line (bounded), lines
/// of chunked framing (bounded), and bodies copied through exactly as long as their framing says. Every read that
/// moves data calls <c>progress</c>, which keeps the connection's idle timer from running out under a long transfer.
/// </summary>
internal sealed class MessageReader(Stream stream, Action progress)
{
    private const int BufferBytes = 16 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private byte[] _buffer = new byte[BufferBytes];
    private int _start;
    private int _end;

    /// <summary>Bytes already read off the stream that belong to what comes next (a client's TLS hello sent with its CONNECT).</summary>
    public void Prefill(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>
    /// The next message head without its blank line; <see cref="HeadRead.End"/> when the stream ended cleanly before
    /// one began, <see cref="HeadRead.TooLarge"/> past <paramref name="maxBytes"/>, <see cref="HeadRead.Truncated"/>
    /// when the stream ended inside one.
    /// </summary>
    public async Task<(HeadRead Status, byte[] Head)> ReadHeadAsync(int maxBytes, CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var available = _end - _start;
            var from = Math.Max(0, searched - HeadEnd.Length + 1);
            var at = _buffer.AsSpan(_start + from, available - from).IndexOf(HeadEnd);
            if (at >= 0)
            {
                var length = from + at;
                if (length > maxBytes)
                {
                    return (HeadRead.TooLarge, []);
                }
                var head = _buffer.AsSpan(_start, length).ToArray();
                _start += length + HeadEnd.Length;
                return (HeadRead.Complete, head);
            }
            searched = available;
            if (available > maxBytes + HeadEnd.Length)
            {
                return (HeadRead.TooLarge, []);
            }
            if (await FillAsync(cancellationToken) == 0)
            {
                return (_end == _start ? HeadRead.End : HeadRead.Truncated, []);
            }
        }
    }

    /// <summary>One CRLF-terminated line (without its CRLF), at most <paramref name="maxBytes"/>; null when the stream ended or the line is too long or not CRLF-terminated.</summary>
    public async Task<byte[]?> ReadLineAsync(int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                if (lf == 0 || span[lf - 1] != '\r' || lf - 1 > maxBytes)
                {
                    return null;
                }
                var line = span[..(lf - 1)].ToArray();
                _start += lf + 1;
                return line;
            }
            if (span.Length > maxBytes + 1)
            {
                return null;
            }
            if (await FillAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
    }

    /// <summary>Copies exactly <paramref name="count"/> bytes to <paramref name="to"/>; false when the stream ended first.</summary>
    public async Task<bool> CopyAsync(long count, Stream to, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && await FillAsync(cancellationToken) == 0)
            {
                return false;
            }
            var take = (int)Math.Min(count, _end - _start);
            await to.WriteAsync(_buffer.AsMemory(_start, take), cancellationToken).ConfigureAwait(false);
            _start += take;
            count -= take;
        }
        return true;
    }

    /// <summary>Copies everything up to the end of the stream to <paramref name="to"/>.</summary>
    public async Task CopyToEndAsync(Stream to, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_end > _start)
            {
                await to.WriteAsync(_buffer.AsMemory(_start, _end - _start), cancellationToken).ConfigureAwait(false);
                _start = _end;
            }
            if (await FillAsync(cancellationToken) == 0)
            {
                return;
            }
        }
    }

    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        Ensure(BufferBytes / 4);
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        if (read > 0)
        {
            progress();
        }
        return read;
    }

    private void Ensure(int free)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        if (_buffer.Length - _end >= free)
        {
            return;
        }
        var used = _end - _start;
        var target = _buffer.Length;
        while (target - used < free)
        {
            target *= 2;
        }
        var next = target == _buffer.Length ? _buffer : new byte[target];
        Buffer.BlockCopy(_buffer, _start, next, 0, used);
        _buffer = next;
        _start = 0;
        _end = used;
    }
}
