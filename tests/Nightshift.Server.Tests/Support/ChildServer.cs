using System.Diagnostics;
using System.Net.Http.Headers;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Tests.Support;

/// <summary>Nightshift.Server.TestHost as a real child process, found by the line it prints once it listens.</summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private const string ListeningPrefix = "Nightshift listening on ";
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ChildServer(Process process, string url, string dataDirectory)
    {
        _process = process;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url), Timeout = TestKit.TestDefaults.Timeout };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(NightshiftPaths.TokenFile(dataDirectory)).Trim());
    }

    public string Url { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<ChildServer> StartAsync(string dataDirectory, params string[] arguments)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "Nightshift.Server.TestHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the test host");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(line);
            }
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[ListeningPrefix.Length..].Trim());
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited).WaitAsync(TestKit.TestDefaults.Timeout);
        if (first != listening.Task)
        {
            throw new InvalidOperationException("the test host exited before listening:\n" + string.Join('\n', lines));
        }
        var child = new ChildServer(process, await listening.Task, dataDirectory);
        lock (lines)
        {
            child._output.AddRange(lines);
        }
        return child;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <returns>the exit code, or null when the process was still running after <paramref name="within"/>.</returns>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
