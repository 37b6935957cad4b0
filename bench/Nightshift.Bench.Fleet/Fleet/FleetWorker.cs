using System.Diagnostics;
using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.TestKit.Cli;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>
/// One <c>nightshift worker</c> process of the fleet: its label (the model path prefix), data folder and process id; every
/// line it prints goes to <c>logs/{label}-{pid}.log</c>. Signals go to the worker itself, never its whole tree: what its
/// jails do after a kill is part of what the run observes.
/// </summary>
public sealed class FleetWorker : IDisposable
{
    private const string RunningPrefix = "worker running ";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private string? _endedBy;
    private DateTimeOffset? _endedAt;
    private int _disposed;

    private FleetWorker(string label, string dataDirectory, Process process, string logPath)
    {
        Label = label;
        DataDirectory = dataDirectory;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        StartedAt = DateTimeOffset.UtcNow;
    }

    public string Label { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public DateTimeOffset StartedAt { get; }

    public string LogPath { get; }

    public bool HasExited => Volatile.Read(ref _disposed) == 1 || _process.HasExited;

    /// <summary>This process lifetime as the checks see it.</summary>
    public WorkerInfo Info
    {
        get
        {
            lock (_gate)
            {
                return new WorkerInfo(Label, ProcessId, DataDirectory, StartedAt, _endedAt, _endedBy);
            }
        }
    }

    /// <summary>Starts <c>nightshift worker ARGS</c> and waits (up to a minute) for it to say it is running.</summary>
    public static async Task<FleetWorker> StartAsync(
        string label,
        string dataDirectory,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        string logsFolder,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = CliProcess.StartInfo(CliProcess.DllPath, arguments, environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"worker {label}: dotnet did not start");
        var logPath = Path.Combine(logsFolder, string.Create(CultureInfo.InvariantCulture, $"{label}-{process.Id}.log"));
        var worker = new FleetWorker(label, dataDirectory, process, logPath);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            worker.Write(line);
            if (line.StartsWith(RunningPrefix, StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            worker.MarkEnded("exit");
            running.TrySetException(new InvalidOperationException($"worker {label} (pid {process.Id}) exited before it was running; its output is in {logPath}"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await running.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        }
        catch
        {
            worker.SendKill("exit");
            worker.Dispose();
            throw;
        }
        return worker;
    }

    /// <summary>SIGKILL: no shutdown code runs, the lease is simply no longer renewed. Returns once the process is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        SendKill("sigkill");
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// SIGTERM and a wait of at most <paramref name="bound"/> for the worker to drain and exit; past it, SIGKILL.
    /// Returns true when it exited by itself within the bound.
    /// </summary>
    public async Task<bool> TerminateAsync(TimeSpan bound, string endedBy, CancellationToken cancellationToken)
    {
        SetEndedBy(endedBy);
        Signals.Send(ProcessId, Signals.Term);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Write($"[harness] no exit within {bound.TotalSeconds:0}s of SIGTERM: SIGKILL");
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>SIGSTOP: the process is frozen (its heartbeats stop) until <see cref="Resume"/>.</summary>
    public void Pause() => Signals.Send(ProcessId, Signals.Stop);

    /// <summary>SIGCONT.</summary>
    public void Resume() => Signals.Send(ProcessId, Signals.Continue);

    /// <summary>The last <paramref name="lines"/> lines of this process's log.</summary>
    public string Tail(int lines) => LogTail.Read(LogPath, lines);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (!_process.HasExited)
        {
            SendKill("stop");
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private void SendKill(string endedBy)
    {
        SetEndedBy(endedBy);
        try
        {
            Signals.Send(ProcessId, Signals.Continue);
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void SetEndedBy(string endedBy)
    {
        lock (_gate)
        {
            _endedBy ??= endedBy;
        }
    }

    private void MarkEnded(string endedBy)
    {
        lock (_gate)
        {
            _endedBy ??= endedBy;
            _endedAt ??= DateTimeOffset.UtcNow;
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after the harness let go of the worker.
            }
        }
    }
}
