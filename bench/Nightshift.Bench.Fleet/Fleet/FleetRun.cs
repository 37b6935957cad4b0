using System.Globalization;
using Nightshift.Bench.Fleet.Checks;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>What a whole harness run produced: the checks' report, what it saw, the scaling series (empty unless asked) and where its folder is.</summary>
public sealed record FleetRunResult(FleetReport Report, FleetObservations Observations, IReadOnlyList<ScalePoint> Scale, string Folder, bool Kept);

/// <summary>
/// The whole harness run (docs/fleet.md): a throwaway PostgreSQL cluster; the faulted session on its own database,
/// checked; then, when asked, the scaling series (clean sessions of the same size with 1, 2 and 4 workers, each on a fresh
/// database). The run's folder is deleted at the end unless <see cref="FleetOptions.Keep"/> says to keep it or
/// something went wrong (then it is kept for a look and its place printed).
/// </summary>
public sealed class FleetRun(FleetOptions options, TextWriter progress)
{
    /// <summary>Worker counts of the scaling series.</summary>
    public static IReadOnlyList<int> ScaleWorkers { get; } = [1, 2, 4];

    public async Task<FleetRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("nightshift-fleet-").FullName;
        var keep = options.Keep;
        try
        {
            await using var postgres = await PostgresServer.StartAsync(cancellationToken);
            var session = await new FleetSession(postgres, options, Path.Combine(folder, "run"), progress).RunAsync("fleet_run", cancellationToken);
            progress.WriteLine("fleet: checking");
            var report = await FleetChecker.CheckAsync(session.Observations, cancellationToken);
            var scale = new List<ScalePoint>();
            if (options.ScaleTasks > 0)
            {
                foreach (var workers in ScaleWorkers)
                {
                    scale.Add(await ScalePointAsync(postgres, folder, workers, cancellationToken));
                }
            }
            keep |= report.Violations.Count > 0;
            return new FleetRunResult(report, session.Observations, scale, folder, keep);
        }
        catch
        {
            keep = true;
            throw;
        }
        finally
        {
            if (keep)
            {
                progress.WriteLine($"fleet: the run's folder is kept: {folder} (logs in its run/logs)");
            }
            else
            {
                Delete(folder);
            }
        }
    }

    private async Task<ScalePoint> ScalePointAsync(PostgresServer postgres, string folder, int workers, CancellationToken cancellationToken)
    {
        var clean = options with { Workers = workers, Tasks = options.ScaleTasks, Faults = new HashSet<FaultKind>() };
        var name = string.Create(CultureInfo.InvariantCulture, $"scale_{workers}");
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fleet: scaling series, {workers} worker(s), {clean.Tasks} tasks, no faults"));
        var session = await new FleetSession(postgres, clean, Path.Combine(folder, name), progress).RunAsync(name, cancellationToken);
        var figures = await FleetChecker.MeasureAsync(session.Observations.ConnectionString, session.Observations.StartedAt, session.Observations.FinishedAt, cancellationToken);
        return new ScalePoint(workers, clean.Tasks, figures);
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Worktree files a jail made read-only, or a mount still busy: a leftover temp folder is harmless.
        }
    }
}
