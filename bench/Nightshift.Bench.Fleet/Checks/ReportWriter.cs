using System.Globalization;
using System.Text;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// Prints a run's report for people (text) and as Markdown (for the README's benchmarks section): the run's header, the
/// per-fault table, the overall counts and final statuses, queue latency and throughput during and after the faults,
/// kill recovery, memory per running task, the scaling series with its ratio against one worker, then the violations
/// (check, message, task ids) or "no violations".
/// </summary>
public static class ReportWriter
{
    public static void Print(FleetReport report, FleetObservations observations, IReadOnlyList<ScalePoint> scale, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(writer);
        var text = new StringBuilder();
        text.Append(Header(observations)).Append("\n\n");
        text.Append("Per fault (tasks hit: running on the target when the fault began)\n").Append(FaultTable(report).ToText()).Append('\n');
        text.Append(Overall(report)).Append('\n');
        text.Append("Final statuses: ").Append(Statuses(report)).Append("\n\n");
        text.Append("Queue latency (claimable → claimed) and throughput\n").Append(LatencyTable(report).ToText()).Append('\n');
        text.Append(Recovery(report.KillRecovery)).Append('\n');
        text.Append(Memory(report)).Append("\n\n");
        if (scale.Count > 0)
        {
            text.Append("Scaling (clean runs, no faults)\n").Append(ScaleTable(scale).ToText()).Append('\n');
        }
        if (report.Violations.Count == 0)
        {
            text.Append("No violations.\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{report.Violations.Count} violation(s):\n");
            foreach (var violation in report.Violations)
            {
                text.Append(CultureInfo.InvariantCulture, $"  [{violation.Check}] {violation.Message}{Ids(violation)}\n");
            }
        }
        writer.Write(text.ToString());
    }

    public static string Markdown(FleetReport report, FleetObservations observations, IReadOnlyList<ScalePoint> scale)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(observations);
        var text = new StringBuilder();
        text.Append("### Fleet run\n\n").Append(Header(observations)).Append("\n\n");
        text.Append("#### Per fault\n\n").Append(FaultTable(report).ToMarkdown()).Append('\n');
        text.Append(Overall(report)).Append(" Final statuses: ").Append(Statuses(report)).Append(".\n\n");
        text.Append("#### Queue latency and throughput\n\n").Append(LatencyTable(report).ToMarkdown()).Append('\n');
        text.Append(Recovery(report.KillRecovery)).Append("\n\n").Append(Memory(report)).Append("\n\n");
        if (scale.Count > 0)
        {
            text.Append("#### Scaling (clean runs, no faults)\n\n").Append(ScaleTable(scale).ToMarkdown()).Append('\n');
        }
        if (report.Violations.Count == 0)
        {
            text.Append("No violations.\n");
        }
        else
        {
            var table = new TextTable("check", "what", "tasks");
            foreach (var violation in report.Violations)
            {
                table.Add(violation.Check, violation.Message, string.Join(", ", violation.TaskIds));
            }
            text.Append(CultureInfo.InvariantCulture, $"#### Violations ({report.Violations.Count})\n\n").Append(table.ToMarkdown());
        }
        return text.ToString();
    }

    /// <summary>The fault's name on the command line (<c>--faults</c>).</summary>
    public static string FaultName(FaultKind kind) => kind switch
    {
        FaultKind.WorkerKill => "kill",
        FaultKind.WorkerTerm => "term",
        FaultKind.WorkerPause => "pause",
        FaultKind.PostgresFast => "pg-fast",
        FaultKind.PostgresImmediate => "pg-immediate",
        FaultKind.ModelErrors => "model-errors",
        FaultKind.ModelHang => "model-hang",
        FaultKind.DiskFill => "disk-fill",
        _ => kind.ToString(),
    };

    private static string Header(FleetObservations observations)
    {
        var options = observations.Options;
        var faults = options.Faults.Count == 0 ? "none" : string.Join(", ", options.Faults.Order().Select(FaultName));
        var duration = observations.FinishedAt - observations.StartedAt;
        return F($"Nightshift fleet run: seed {options.Seed}, {options.Tasks} tasks, {options.Workers} workers × {options.SlotsPerWorker} slots, lease {options.LeaseSeconds} s, {Environment.ProcessorCount} cores; faults: {faults}; took {Duration(duration)}.");
    }

    private static TextTable FaultTable(FleetReport report)
    {
        var table = new TextTable("fault", "injected", "tasks hit", "exactly once", "lost", "duplicated");
        foreach (var f in report.PerFault)
        {
            table.Add(FaultName(f.Kind), N(f.Injected), N(f.TasksHit), N(f.ExactlyOnce), N(f.Lost), N(f.Duplicated));
        }
        return table;
    }

    private static string Overall(FleetReport report) =>
        F($"Overall: {report.Overall.Tasks} tasks, {report.Overall.ExactlyOnce} completed exactly once, {report.Overall.Lost} lost, {report.Overall.Duplicated} duplicated.");

    private static string Statuses(FleetReport report) =>
        report.FinalStatuses.Count == 0 ? "none" : string.Join(", ", report.FinalStatuses.Select(s => F($"{s.Key} {s.Value}")));

    private static TextTable LatencyTable(FleetReport report)
    {
        var table = new TextTable("window", "claims", "p50 ms", "p99 ms", "max ms", "tasks/min");
        foreach (var (name, figures) in new[] { ("during faults", report.DuringFaults), ("after faults", report.AfterFaults) })
        {
            var none = figures.Claims == 0;
            table.Add(name, N(figures.Claims), none ? "–" : Ms(figures.P50Ms), none ? "–" : Ms(figures.P99Ms), none ? "–" : Ms(figures.MaxMs), F($"{figures.TasksPerMinute:0.0}"));
        }
        return table;
    }

    private static TextTable ScaleTable(IReadOnlyList<ScalePoint> scale)
    {
        var table = new TextTable("workers", "tasks", "p50 ms", "p99 ms", "tasks/min", "vs 1 worker");
        var one = scale.FirstOrDefault(p => p.Workers == 1)?.Figures.TasksPerMinute;
        foreach (var point in scale.OrderBy(p => p.Workers))
        {
            var ratio = one is > 0 ? F($"{point.Figures.TasksPerMinute / one.Value:0.00}×") : "–";
            table.Add(N(point.Workers), N(point.Tasks), Ms(point.Figures.P50Ms), Ms(point.Figures.P99Ms), F($"{point.Figures.TasksPerMinute:0.0}"), ratio);
        }
        return table;
    }

    private static string Recovery(RecoveryFigures recovery) =>
        recovery.Tasks == 0
            ? F($"Kill recovery: no task was running on a killed worker (lease {recovery.LeaseSeconds:0.#} s).")
            : F($"Kill recovery (SIGKILL → running again): {recovery.Tasks} tasks, median {recovery.MedianSeconds:0.0} s, max {recovery.MaxSeconds:0.0} s (lease {recovery.LeaseSeconds:0.#} s).");

    private static string Memory(FleetReport report) =>
        report.MemoryPerRunningTaskBytes is { } bytes
            ? F($"Memory per running task: {bytes / (1024 * 1024):0.0} MiB (workers' resident memory above idle ÷ running tasks).")
            : "Memory per running task: no sample had a task running.";

    private static string Ids(Violation violation) => violation.TaskIds.Count == 0 ? "" : " — tasks: " + string.Join(", ", violation.TaskIds);

    private static string Duration(TimeSpan duration) =>
        duration.TotalMinutes >= 1 ? F($"{(int)duration.TotalMinutes} min {duration.Seconds} s") : F($"{duration.TotalSeconds:0.0} s");

    private static string Ms(double ms) => F($"{ms:0}");

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
