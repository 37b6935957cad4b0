using System.Diagnostics;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The one-byte signals between the host and a launcher or a ready jail's waiter: <c>R</c> when it is ready, a go
/// written to its stdin, <c>G</c> once it has taken the go. Whatever follows on stdout is the command's own.
/// </summary>
internal static class Handshake
{
    /// <summary>True when the next character on the process's stdout is <paramref name="marker"/>; false at end of output.</summary>
    public static async Task<bool> ExpectAsync(Process process, char marker)
    {
        var buffer = new char[1];
        return await process.StandardOutput.ReadAsync(buffer.AsMemory()).ConfigureAwait(false) == 1 && buffer[0] == marker;
    }

    /// <summary>
    /// Writes <paramref name="go"/> to the process's stdin (then closes it, unless <paramref name="keepInputOpen"/>)
    /// and waits for the <c>G</c>. False when the process turned out to be gone: the write failed, or its output ended
    /// first (it died between the go and the acknowledgement, which a write alone cannot tell).
    /// </summary>
    public static async Task<bool> GoAsync(Process process, byte[] go, bool keepInputOpen)
    {
        try
        {
            var stdin = process.StandardInput.BaseStream;
            await stdin.WriteAsync(go).ConfigureAwait(false);
            await stdin.FlushAsync().ConfigureAwait(false);
            if (!keepInputOpen)
            {
                process.StandardInput.Close();
            }
        }
        catch (IOException)
        {
            return false;
        }
        return await ExpectAsync(process, 'G').ConfigureAwait(false);
    }
}
