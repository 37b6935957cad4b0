using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;
using Nightshift.TestKit.Cli;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>
/// The fleet's processes: one API (<c>nightshift up --workers 0</c>) and the workers, each by label (<c>w1</c>…). A
/// replacement keeps its predecessor's label and data folder; every process lifetime is remembered for the checks.
/// </summary>
public sealed class FleetProcesses : IAsyncDisposable
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(90);

    private readonly string _runFolder;
    private readonly string _connectionString;
    private readonly string _repositoriesFolder;
    private readonly FleetModel _model;
    private readonly FleetOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FleetWorker> _current = new(StringComparer.Ordinal);
    private readonly List<FleetWorker> _all = [];

    public FleetProcesses(string runFolder, string connectionString, string repositoriesFolder, FleetModel model, FleetOptions options)
    {
        _runFolder = runFolder;
        _connectionString = connectionString;
        _repositoriesFolder = repositoriesFolder;
        _model = model;
        _options = options;
        LogsFolder = Path.Combine(runFolder, "logs");
        Directory.CreateDirectory(LogsFolder);
    }

    /// <summary>Where every process's output is written (<c>{label}-{pid}.log</c>).</summary>
    public string LogsFolder { get; }

    public ServerProcess? Api { get; private set; }

    /// <summary>The labels of the fleet's workers, in order.</summary>
    public IReadOnlyList<string> Labels => [.. Enumerable.Range(1, _options.Workers).Select(LabelOf)];

    /// <summary>Every worker process lifetime so far, replacements included, in start order.</summary>
    public IReadOnlyList<WorkerInfo> Workers
    {
        get
        {
            lock (_gate)
            {
                return [.. _all.Select(w => w.Info)];
            }
        }
    }

    /// <summary>The workers running now (one per label).</summary>
    public IReadOnlyList<FleetWorker> Current
    {
        get
        {
            lock (_gate)
            {
                return [.. _current.Values.Where(w => !w.HasExited)];
            }
        }
    }

    public static string LabelOf(int number) => string.Create(CultureInfo.InvariantCulture, $"w{number}");

    /// <summary>The data folder of a worker label (kept by its replacements).</summary>
    public string DataFolderOf(string label) => Path.Combine(_runFolder, label);

    /// <summary>The worker now running under <paramref name="label"/>.</summary>
    public FleetWorker Worker(string label)
    {
        lock (_gate)
        {
            return _current[label];
        }
    }

    /// <summary>Starts the API and waits until it listens.</summary>
    public async Task<ServerProcess> StartApiAsync()
    {
        var data = Path.Combine(_runFolder, "api");
        Directory.CreateDirectory(data);
        Api = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"], data, Environment("api"));
        return Api;
    }

    /// <summary>Starts every worker (one after another: each start takes a core for a moment).</summary>
    public async Task StartWorkersAsync(CancellationToken cancellationToken)
    {
        foreach (var label in Labels)
        {
            await StartWorkerAsync(label, cancellationToken);
        }
    }

    /// <summary>Starts a worker under <paramref name="label"/> (a replacement when one ran before) and waits until it runs.</summary>
    public async Task<FleetWorker> StartWorkerAsync(string label, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "worker", "--db", _connectionString, "--data", DataFolderOf(label),
            "--slots", _options.SlotsPerWorker.ToString(CultureInfo.InvariantCulture),
            "--lease", _options.LeaseSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        var worker = await FleetWorker.StartAsync(label, DataFolderOf(label), arguments, Environment(label), LogsFolder, cancellationToken);
        lock (_gate)
        {
            _current[label] = worker;
            _all.Add(worker);
        }
        return worker;
    }

    /// <summary>SIGTERM to every running worker at once, each drained within a bound (then SIGKILL).</summary>
    public async Task StopWorkersAsync(string endedBy, CancellationToken cancellationToken)
    {
        var running = Current;
        foreach (var worker in running)
        {
            worker.Resume();
        }
        await Task.WhenAll(running.Select(w => w.TerminateAsync(DrainBound, endedBy, cancellationToken)));
    }

    /// <summary>The environment every process of the run gets; the model's base address names the caller.</summary>
    public Dictionary<string, string?> Environment(string label) => new(StringComparer.Ordinal)
    {
        ["NIGHTSHIFT_DB"] = _connectionString,
        ["NIGHTSHIFT_MODEL"] = FleetModel.ModelName,
        ["OPENAI_API_KEY"] = FleetModel.ApiKey,
        ["OPENAI_BASE_URL"] = _model.BaseUriFor(label).ToString(),
        ["NIGHTSHIFT__Agent__Planning"] = "always",
        ["NIGHTSHIFT__Storage__RetryBaseDelay"] = "00:00:00",
        ["NIGHTSHIFT__Repositories__AllowedRoots__0"] = _repositoriesFolder,
    };

    public async ValueTask DisposeAsync()
    {
        List<FleetWorker> all;
        lock (_gate)
        {
            all = [.. _all];
        }
        foreach (var worker in all)
        {
            worker.Dispose();
        }
        if (Api is { } api)
        {
            try
            {
                await api.StopAsync();
            }
            catch (TimeoutException)
            {
                // StopAsync killed it after its bound; nothing more to do.
            }
            var log = Path.Combine(LogsFolder, string.Create(CultureInfo.InvariantCulture, $"api-{api.ProcessId}.log"));
            await File.WriteAllTextAsync(log, api.Output);
            await api.DisposeAsync();
            Api = null;
        }
    }
}
