using System.Diagnostics;
using System.Text;

namespace Nightshift.TestKit.Cli;

/// <summary>
/// <c>nightshift worker …</c> as a real child process, started once it says it is running. <see cref="KillAsync"/> ends it
/// with SIGKILL, as a crash or the OOM killer would: no shutdown code runs, its lease is simply no longer renewed.
/// Disposing stops a process still running with SIGTERM (then SIGKILL after <see cref="TestDefaults.Timeout"/>).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const string RunningPrefix = "worker running ";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private WorkerProcess(Process process)
    {
        this.process = process;
    }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Everything the worker printed so far (stdout and stderr), for failure messages.</summary>
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

    /// <summary>Starts <c>dotnet nightshift.dll ARGS</c> and waits for its "worker running …" line.</summary>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = CliProcess.StartInfo(CliProcess.DllPath, arguments, environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var worker = new WorkerProcess(process);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            worker.Append(line);
            if (line.StartsWith(RunningPrefix, StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => running.TrySetException(new InvalidOperationException($"the worker exited before it was running:\n{worker.Output}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await running.Task.WaitAsync(TestDefaults.Timeout);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
        return worker;
    }

    /// <summary>SIGKILL to the worker process itself (not its tree), then waits until it is gone.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        using var deadline = new CancellationTokenSource(TestDefaults.Timeout);
        await process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await CliProcess.SignalTermAsync(process);
                using var deadline = new CancellationTokenSource(TestDefaults.Timeout);
                try
                {
                    await process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Append(string line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
