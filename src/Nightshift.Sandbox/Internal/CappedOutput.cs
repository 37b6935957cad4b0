using System.Text;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Keeps the first and the last characters of a stream, dropping the middle once the cap is reached, and counts every
/// byte of it (as UTF-8; a byte that was not valid UTF-8 counts as its replacement character's three).
/// </summary>
internal sealed class CappedOutput(int maxChars)
{
    private long _bytes;
    private bool _highSurrogatePending;
    private readonly int _headCap = maxChars / 2;
    private readonly int _tailCap = maxChars - (maxChars / 2);
    private readonly StringBuilder _head = new();
    private readonly char[] _tail = new char[maxChars - (maxChars / 2)];
    private int _tailStart;
    private int _tailLength;
    private long _dropped;
    private readonly Lock _gate = new();

    public bool Truncated => _dropped > 0;

    /// <summary>Bytes of output seen so far, kept or not.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                // A stream that ends on half a pair: its replacement character is three bytes.
                return _bytes + (_highSurrogatePending ? 3 : 0);
            }
        }
    }

    public void Append(ReadOnlySpan<char> chars)
    {
        lock (_gate)
        {
            AppendLocked(chars);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return Render();
        }
    }

    private void AppendLocked(ReadOnlySpan<char> chars)
    {
        CountBytes(chars);
        if (_head.Length < _headCap)
        {
            var take = Math.Min(_headCap - _head.Length, chars.Length);
            _head.Append(chars[..take]);
            chars = chars[take..];
        }
        foreach (var c in chars)
        {
            if (_tailLength < _tailCap)
            {
                _tail[(_tailStart + _tailLength) % _tailCap] = c;
                _tailLength++;
            }
            else
            {
                _tail[_tailStart] = c;
                _tailStart = (_tailStart + 1) % _tailCap;
                _dropped++;
            }
        }
    }

    // A surrogate pair split between two reads counts four bytes, as it does whole.
    private void CountBytes(ReadOnlySpan<char> chars)
    {
        if (_highSurrogatePending && !chars.IsEmpty)
        {
            _highSurrogatePending = false;
            if (char.IsLowSurrogate(chars[0]))
            {
                _bytes += 4;
                chars = chars[1..];
            }
            else
            {
                _bytes += 3;
            }
        }
        if (!chars.IsEmpty && char.IsHighSurrogate(chars[^1]))
        {
            _highSurrogatePending = true;
            chars = chars[..^1];
        }
        _bytes += Encoding.UTF8.GetByteCount(chars);
    }

    private string Render()
    {
        var text = new StringBuilder(_head.Length + _tailLength + 64);
        text.Append(_head);
        if (_dropped > 0)
        {
            text.Append("\n… [nightshift: ").Append(_dropped).Append(" characters of output omitted] …\n");
        }
        for (var i = 0; i < _tailLength; i++)
        {
            text.Append(_tail[(_tailStart + i) % _tailCap]);
        }
        return text.ToString();
    }
}
