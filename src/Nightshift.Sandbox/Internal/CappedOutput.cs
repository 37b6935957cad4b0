using System.Text;

namespace Nightshift.Sandbox.Internal;

/// <summary>Keeps the first and the last characters of a stream, dropping the middle once the cap is reached.</summary>
internal sealed class CappedOutput(int maxChars)
{
    private readonly int _headCap = maxChars / 2;
    private readonly int _tailCap = maxChars - (maxChars / 2);
    private readonly StringBuilder _head = new();
    private readonly char[] _tail = new char[maxChars - (maxChars / 2)];
    private int _tailStart;
    private int _tailLength;
    private long _dropped;
    private readonly Lock _gate = new();

    public bool Truncated => _dropped > 0;

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
