using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Nightshift.Cli.Doctor;

/// <summary>Runs a short-lived tool and captures its output; the doctor only ever runs version probes and /bin/true.</summary>
internal sealed class ProcessRunner
{
    private const int MaxOutputChars = 16 * 1024;

    /// <returns>null when the program is not installed (not found on PATH).</returns>
    public async Task<ProcessResult?> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start())
            {
                return null;
            }
        }
        catch (Win32Exception)
        {
            return null;
        }
        process.StandardInput.Close();
        var stdout = ReadCappedAsync(process.StandardOutput, cancellationToken);
        var stderr = ReadCappedAsync(process.StandardError, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr, timedOut);
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (text.Length < MaxOutputChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxOutputChars - text.Length));
            }
        }
        return text.ToString();
    }
}
