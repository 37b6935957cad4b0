using System.Globalization;
using System.Net.Http.Headers;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>What one session saw, and the figures of the database it ran on.</summary>
public sealed record SessionResult(FleetObservations Observations, string LogsFolder);

/// <summary>
/// One run of the fleet on a fresh database of the cluster: model, repositories, task mix, API, workers; the workload
/// driven to its end while faults are injected, memory sampled and progress printed; then the graceful stop and a look
/// for leftovers. Any failure stops every process (and unmounts what was mounted) before it is passed on, with the end
/// of each process's log printed.
/// </summary>
public sealed class FleetSession(PostgresServer postgres, FleetOptions options, string folder, TextWriter progress)
{
    private static readonly string[] Terminal = ["succeeded", "failed", "cancelled", "timed_out", "needs_review", "dead"];

    /// <summary>The data folders of the workers are tmpfs mounts of this size when disk-fill is asked for.</summary>
    public const long DiskQuotaBytes = 256L << 20;

    public async Task<SessionResult> RunAsync(string database, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var connectionString = await postgres.CreateDatabaseAsync(database, cancellationToken);
        await using var model = await FleetModel.StartAsync(cancellationToken);
        var repositoriesFolder = Path.Combine(folder, "repos");
        Directory.CreateDirectory(repositoriesFolder);
        var repositories = FleetRepositories.Create(repositoriesFolder, options.Repositories);
        var specs = FleetWorkload.Generate(options.Seed, options.Tasks, [.. repositories.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value)]);
        model.Register(specs);

        var effective = options;
        var processes = new FleetProcesses(folder, connectionString, repositoriesFolder, model, options);
        DiskQuotas? disks = null;
        try
        {
            if (options.Faults.Contains(FaultKind.DiskFill))
            {
                disks = DiskQuotas.TryMount(processes.Labels.Select(processes.DataFolderOf), DiskQuotaBytes, out var problem);
                if (disks is null)
                {
                    progress.WriteLine($"disk-fill skipped: {problem}");
                    effective = options with { Faults = options.Faults.Where(k => k != FaultKind.DiskFill).ToHashSet() };
                }
            }
            return await DriveAsync(effective, connectionString, model, repositories, specs, processes, disks, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PrintTails(processes.LogsFolder);
            throw;
        }
        finally
        {
            await processes.DisposeAsync();
            disks?.Dispose();
        }
    }

    private async Task<SessionResult> DriveAsync(
        FleetOptions effective,
        string connectionString,
        FleetModel model,
        IReadOnlyDictionary<string, string> repositories,
        IReadOnlyList<FleetTaskSpec> specs,
        FleetProcesses processes,
        DiskQuotas? disks,
        CancellationToken cancellationToken)
    {
        var api = await processes.StartApiAsync();
        using var http = new HttpClient { BaseAddress = api.Url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        await processes.StartWorkersAsync(cancellationToken);

        var store = new FleetStore(connectionString);
        var inspector = new HostInspector(processes, store, folder);
        var injector = new FaultInjector(effective, processes, postgres, model, store, disks, progress);
        var startedAt = DateTimeOffset.UtcNow;
        var deadline = startedAt.AddMinutes(effective.DeadlineMinutes);
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fleet: {effective.Tasks} tasks, {effective.Workers} workers × {effective.SlotsPerWorker} slots, lease {effective.LeaseSeconds} s, faults {(effective.Faults.Count == 0 ? "none" : string.Join(',', effective.Faults.Order().Select(FaultInjector.Name)))}, seed {effective.Seed}; logs in {processes.LogsFolder}"));

        using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var schedule = FaultSchedule.Create(effective.Seed, effective.Faults, effective.FaultIntervalSeconds, effective.Workers);
        var injecting = injector.RunAsync(schedule, stopBackground.Token);
        var sampling = inspector.SampleAsync(TimeSpan.FromSeconds(2), stopBackground.Token);
        var reporting = StatusAsync(store, startedAt, stopBackground.Token);
        var driver = new FleetDriver(http, progress);
        var driving = driver.RunAsync(specs, (effective.Workers * effective.SlotsPerWorker) + effective.Workers, deadline, abort.Token);

        if (await Task.WhenAny(driving, injecting) == injecting && injecting.IsFaulted)
        {
            await abort.CancelAsync();
            await stopBackground.CancelAsync();
            await injecting; // throws the injector's failure
        }
        IReadOnlyList<FleetTask> tasks;
        try
        {
            tasks = await driving;
        }
        finally
        {
            await stopBackground.CancelAsync();
            await Task.WhenAll(sampling, reporting);
        }
        await injecting;
        var faults = injector.Records;
        var faultsEndedAt = faults.Select(f => f.EndedAt ?? f.StartedAt).DefaultIfEmpty(startedAt).Max();
        progress.WriteLine($"fleet: every task ended or the deadline passed; {faults.Count} fault(s) injected; stopping the workers (SIGTERM)");

        await processes.StopWorkersAsync("stop", cancellationToken);
        var leftovers = await inspector.LeftoversAsync([api.ProcessId], TimeSpan.FromSeconds(5), cancellationToken);
        var observations = new FleetObservations(
            effective,
            connectionString,
            tasks,
            model.Calls,
            faults,
            processes.Workers,
            ByNameAndPath(repositories),
            inspector.Samples,
            leftovers,
            startedAt,
            faultsEndedAt,
            DateTimeOffset.UtcNow);
        return new SessionResult(observations, processes.LogsFolder);
    }

    /// <summary>
    /// The repositories by name (as the contract says) and also by their remote's path, which is what task specs name
    /// (<see cref="FleetTaskSpec.Repository"/>) and what the checks look a task's remote up by.
    /// </summary>
    private static Dictionary<string, string> ByNameAndPath(IReadOnlyDictionary<string, string> repositories)
    {
        var both = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, path) in repositories)
        {
            both[name] = path;
            both[path] = path;
        }
        return both;
    }

    /// <summary>A status line every 10 s: submitted, running, ended (read from the store; skipped while it cannot answer).</summary>
    private async Task StatusAsync(FleetStore store, DateTimeOffset startedAt, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var counts = await store.StatusCountsAsync(stop);
                var submitted = counts.Values.Sum();
                var running = counts.GetValueOrDefault("running");
                var ended = Terminal.Sum(status => counts.GetValueOrDefault(status));
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[fleet {(DateTimeOffset.UtcNow - startedAt).TotalSeconds,6:0.0}s] submitted {submitted}, running {running}, ended {ended}"));
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The database is being restarted (a fault) or the run is ending: the next line will tell.
            }
        }
    }

    private void PrintTails(string logsFolder)
    {
        if (!Directory.Exists(logsFolder))
        {
            return;
        }
        foreach (var log in Directory.EnumerateFiles(logsFolder, "*.log").Order(StringComparer.Ordinal))
        {
            progress.WriteLine($"--- the end of {log}");
            progress.WriteLine(LogTail.Read(log, 15));
        }
    }
}
