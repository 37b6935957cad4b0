using System.Diagnostics;
using System.Text;

namespace Nightshift.TestKit.Cli;

/// <summary>
/// A Nightshift server running as a real child process (the test host program or <c>nightshift up</c>),
/// on a port the OS chose, with its own data folder. Disposing stops it with SIGTERM and removes the folder.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Nightshift listening on ";

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly bool ownsData;

    private ServerProcess(Process process, string dataDirectory, bool ownsData)
    {
        this.process = process;
        DataDirectory = dataDirectory;
        this.ownsData = ownsData;
    }

    public string DataDirectory { get; }

    public Uri Url { get; private set; } = null!;

    public int ProcessId => process.Id;

    /// <summary>The token the server wrote into its data folder.</summary>
    public string Token => File.ReadAllText(Path.Combine(DataDirectory, "token")).Trim();

    /// <summary>Everything the server printed so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet DLL ARGS</c> and waits for its "Nightshift listening on URL" line.</summary>
    public static async Task<ServerProcess> StartAsync(
        string dll,
        IEnumerable<string> arguments,
        string? dataDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("ns-server-").FullName;
        var start = CliProcess.StartInfo(dll, arguments.Select(a => a.Replace("{data}", dataDirectory, StringComparison.Ordinal)), environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, dataDirectory, ownsData);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            server.Append(e.Data);
            if (e.Data.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(e.Data[ListeningPrefix.Length..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server.Append(e.Data);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"the server exited with {SafeExitCode(process)} before listening:\n{server.Output}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Url = await listening.Task.WaitAsync(TestDefaults.Timeout);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!process.HasExited)
        {
            await CliProcess.SignalTermAsync(process);
        }
        using var deadline = new CancellationTokenSource(TestDefaults.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"the server did not stop within {TestDefaults.Timeout.TotalSeconds:0}s of SIGTERM:\n{Output}");
        }
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await StopAsync();
            }
        }
        finally
        {
            process.Dispose();
            if (ownsData)
            {
                try
                {
                    Directory.Delete(DataDirectory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private void Append(string line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
