using System.Diagnostics;

namespace Nightshift.TestKit.Cli;

/// <summary>Runs the real <c>nightshift</c> program (<c>dotnet nightshift.dll …</c>) as a child process.</summary>
public static class CliProcess
{
    /// <summary>nightshift.dll beside the running tests (the test project references the CLI project).</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "nightshift.dll");

    public static async Task<CliResult> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? stdin = null,
        TimeSpan? timeout = null)
    {
        var start = StartInfo(DllPath, arguments, environment);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TestDefaults.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nightshift {string.Join(' ', arguments)} did not exit within {(timeout ?? TestDefaults.Timeout).TotalSeconds:0}s; stderr so far: {await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// <c>dotnet DLL ARGS</c> with stdout and stderr redirected, the caller's Nightshift settings removed (a developer's
    /// own must not leak into what a test sees) and <paramref name="environment"/> applied (a null value removes).
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        // The SDK names its own host; a test that empties PATH must still be able to start the CLI.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in new[] { "NIGHTSHIFT_SERVER", "NIGHTSHIFT_TOKEN", "NIGHTSHIFT_DATA", "NIGHTSHIFT_DB", "NIGHTSHIFT__Auth__Token" })
        {
            start.Environment.Remove(name);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        return start;
    }

    /// <summary>Plain SIGTERM, as a service manager sends it; the kill program avoids unsafe interop here.</summary>
    public static async Task SignalTermAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        if (kill is not null)
        {
            await kill.WaitForExitAsync();
        }
    }
}
