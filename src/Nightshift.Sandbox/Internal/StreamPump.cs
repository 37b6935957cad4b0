using System.Text;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Drains one output pipe to its end: every character goes to a <see cref="CappedOutput"/> and every line to the
/// spec's callback. It never stops reading early, so a chatty command cannot block on a full pipe.
/// </summary>
internal sealed class StreamPump(OutputStream stream, CappedOutput output, Action<OutputLine>? onLine, int maxLineChars, Func<TimeSpan> elapsed, Action<Exception> onCallbackError)
{
    private readonly StringBuilder _line = new();
    private bool _splitAtLimit;

    public async Task RunAsync(TextReader reader)
    {
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            output.Append(chunk);
            if (onLine is not null)
            {
                Split(chunk);
            }
        }
        if (_line.Length > 0)
        {
            Emit();
        }
    }

    private void Split(ReadOnlySpan<char> chunk)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf('\n');
            var piece = newline < 0 ? chunk : chunk[..newline];
            while (!piece.IsEmpty)
            {
                var take = Math.Min(maxLineChars - _line.Length, piece.Length);
                _line.Append(piece[..take]);
                piece = piece[take..];
                if (_line.Length >= maxLineChars)
                {
                    Emit();
                    _splitAtLimit = true;
                }
            }
            if (newline < 0)
            {
                return;
            }
            // A line that filled exactly one piece already went out; its newline must not add an empty line.
            if (!(_splitAtLimit && _line.Length == 0))
            {
                Emit();
            }
            _splitAtLimit = false;
            chunk = chunk[(newline + 1)..];
        }
    }

    private void Emit()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }
        var text = _line.ToString();
        _line.Clear();
        _splitAtLimit = false;
        try
        {
            onLine!(new OutputLine(stream, text, elapsed()));
        }
#pragma warning disable CA1031 // A failing listener must not stop the pipe from draining, or the command would block.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onCallbackError(ex);
        }
    }
}
