using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>
/// Injects the scheduled faults one at a time, recording each with the tasks that were running on its target as it
/// began, and printing one line per fault. Stopping it (the token) cuts a lasting fault short but always undoes it: a
/// paused worker is continued, a filled disk emptied, the model's faults ended.
/// </summary>
public sealed class FaultInjector(
    FleetOptions options,
    FleetProcesses processes,
    PostgresServer postgres,
    FleetModel model,
    FleetStore store,
    DiskQuotas? disks,
    TextWriter log)
{
    private readonly Lock _gate = new();
    private readonly List<FaultRecord> _records = [];
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;

    /// <summary>The faults injected so far.</summary>
    public IReadOnlyList<FaultRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>How long a paused worker stays stopped: the fault's duration, but at least two leases and two seconds, so its lease is surely lost.</summary>
    public static TimeSpan PauseLength(FleetOptions options) =>
        TimeSpan.FromSeconds(Math.Max(options.FaultDurationSeconds, (2 * options.LeaseSeconds) + 2));

    /// <summary>Runs <paramref name="schedule"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(IEnumerable<PlannedFault> schedule, CancellationToken stop)
    {
        foreach (var planned in schedule)
        {
            if (!await WaitAsync(planned.Wait, stop))
            {
                return;
            }
            await InjectAsync(planned, stop);
        }
    }

    private async Task InjectAsync(PlannedFault planned, CancellationToken stop)
    {
        var duration = TimeSpan.FromSeconds(options.FaultDurationSeconds);
        var label = FleetProcesses.LabelOf(planned.Worker);
        var worker = FaultSchedule.TargetsWorker(planned.Kind) ? processes.Worker(label) : null;
        var target = worker?.Label ?? (planned.Kind is FaultKind.PostgresFast or FaultKind.PostgresImmediate ? "postgres" : "model");
        var (taskIds, problem) = await store.TryRunningTaskIdsAsync(worker?.ProcessId, CancellationToken.None);
        var started = DateTimeOffset.UtcNow;
        var index = Begin(new FaultRecord(planned.Kind, target, started, null, taskIds, problem is null ? "" : $"running tasks unknown: {problem}"));
        var who = worker is null ? target : string.Create(CultureInfo.InvariantCulture, $"{target} (pid {worker.ProcessId})");
        Print($"fault {Name(planned.Kind)} on {who}: {taskIds.Count} running task(s) {(taskIds.Count == 0 ? "" : string.Join(' ', taskIds))}");
        string detail;
        switch (planned.Kind)
        {
            case FaultKind.WorkerKill:
            {
                await worker!.KillAsync(CancellationToken.None);
                var next = await processes.StartWorkerAsync(label, CancellationToken.None);
                detail = string.Create(CultureInfo.InvariantCulture, $"SIGKILL pid {worker.ProcessId}; replacement pid {next.ProcessId}");
                break;
            }
            case FaultKind.WorkerTerm:
            {
                var drained = await worker!.TerminateAsync(TimeSpan.FromSeconds(90), "sigterm", CancellationToken.None);
                var next = await processes.StartWorkerAsync(label, CancellationToken.None);
                detail = string.Create(CultureInfo.InvariantCulture, $"SIGTERM pid {worker.ProcessId} ({(drained ? "drained and exited" : "did not exit within 90 s: SIGKILL")}); replacement pid {next.ProcessId}");
                break;
            }
            case FaultKind.WorkerPause:
            {
                var length = PauseLength(options);
                worker!.Pause();
                try
                {
                    await WaitAsync(length, stop);
                }
                finally
                {
                    worker.Resume();
                }
                detail = string.Create(CultureInfo.InvariantCulture, $"SIGSTOP pid {worker.ProcessId} for {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s (lease {options.LeaseSeconds} s), then SIGCONT");
                break;
            }
            case FaultKind.PostgresFast or FaultKind.PostgresImmediate:
            {
                var mode = planned.Kind == FaultKind.PostgresFast ? PostgresShutdown.Fast : PostgresShutdown.Immediate;
                await postgres.RestartAsync(mode, CancellationToken.None);
                detail = string.Create(CultureInfo.InvariantCulture, $"pg_ctl -m {(mode == PostgresShutdown.Fast ? "fast" : "immediate")} restart, {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s until it accepted connections again");
                break;
            }
            case FaultKind.ModelErrors or FaultKind.ModelHang:
            {
                if (planned.Kind == FaultKind.ModelErrors)
                {
                    model.BeginErrors(duration);
                }
                else
                {
                    model.BeginHang(duration);
                }
                try
                {
                    await WaitAsync(duration, stop);
                }
                finally
                {
                    model.EndFaults();
                }
                detail = string.Create(CultureInfo.InvariantCulture, $"{(planned.Kind == FaultKind.ModelErrors ? "429/500 answers" : "no answers")} for {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
                break;
            }
            case FaultKind.DiskFill:
            {
                if (disks is null)
                {
                    throw new InvalidOperationException("disk-fill was scheduled without size-limited data folders");
                }
                var (path, bytes) = await DiskQuotas.FillAsync(worker!.DataDirectory, CancellationToken.None);
                try
                {
                    await WaitAsync(duration, stop);
                }
                finally
                {
                    File.Delete(path);
                }
                detail = string.Create(CultureInfo.InvariantCulture, $"filled {label}'s data folder with {bytes / (1 << 20)} MiB (limit {disks.Bytes / (1 << 20)} MiB) for {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
                break;
            }
            default:
                throw new InvalidOperationException($"unknown fault kind {planned.Kind}");
        }
        End(index, DateTimeOffset.UtcNow, detail);
    }

    /// <summary>The command-line name of a fault kind (<c>kill</c>, <c>pg-fast</c>…).</summary>
    public static string Name(FaultKind kind) => FleetArguments.FaultNames.First(pair => pair.Value == kind).Key;

    private int Begin(FaultRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
            return _records.Count - 1;
        }
    }

    private void End(int index, DateTimeOffset endedAt, string detail)
    {
        lock (_gate)
        {
            var record = _records[index];
            _records[index] = record with { EndedAt = endedAt, Detail = record.Detail.Length == 0 ? detail : $"{detail}; {record.Detail}" };
        }
    }

    private void Print(string line) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[fleet {(DateTimeOffset.UtcNow - _origin).TotalSeconds,6:0.0}s] {line}"));

    /// <summary>Waits, or less when stopped; false when stopped.</summary>
    private static async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stop)
    {
        try
        {
            await Task.Delay(wait, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
