using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Storage;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Postgres;
using Npgsql;

namespace Nightshift.Fleet.Tests.Checks;

/// <summary>
/// A hand-made finished run for the checks: a real PostgreSQL database with Nightshift's schema (made by opening the
/// store on it) holding synthetic tasks, events and pull requests written with SQL, and a real bare remote whose
/// base commit carries a test command like the harness's (every <c>ft*.txt</c> starts with its own name).
/// </summary>
public sealed class CheckWorld : IAsyncDisposable
{
    public const string Machine = "fleethost";
    public const int W1 = 41001;
    public const int W2 = 41002;
    public const string Repository = "fleet-a";
    public static readonly long T0 = DateTimeOffset.Parse("2026-12-05T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private readonly List<FleetTask> _tasks = [];
    private readonly List<ModelCall> _calls = [];
    private readonly string _data = Directory.CreateTempSubdirectory("nightshift-fleet-checks-test-").FullName;

    private CheckWorld(string database, TempGitRepo repo)
    {
        Database = database;
        Repo = repo;
    }

    public string Database { get; }

    public TempGitRepo Repo { get; }

    public List<FaultRecord> Faults { get; } = [];

    public List<MemorySample> Memory { get; } = [];

    public List<LeftoverProcess> Processes { get; } = [];

    public List<LeftoverWorktree> Worktrees { get; } = [];

    public IReadOnlyList<WorkerInfo> Workers { get; } =
    [
        new("w1", W1, "/tmp/run/w1", DateTimeOffset.FromUnixTimeMilliseconds(T0 - 5_000), null, "stop"),
        new("w2", W2, "/tmp/run/w2", DateTimeOffset.FromUnixTimeMilliseconds(T0 - 5_000), null, "stop"),
    ];

    public static async Task<CheckWorld> CreateAsync(PostgresCluster cluster)
    {
        var database = await cluster.CreateDatabaseAsync();
        var data = Directory.CreateTempSubdirectory("nightshift-fleet-schema-").FullName;
        try
        {
            await using var store = await StoreFactory.OpenAsync(data, database, TimeProvider.System, new StoreOptions());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
        var repo = TempGitRepo.Create();
        repo.Commit(
            "the fleet's test",
            ("check.sh", "for f in ft*.txt; do [ -e \"$f\" ] || continue; [ \"$(head -n 1 \"$f\")\" = \"${f%.txt}\" ] || { echo \"$f does not start with its name\"; exit 1; }; done\n"),
            (".nightshift.yml", "test: sh check.sh\n"));
        return new CheckWorld(database, repo);
    }

    public static string Owner(int pid, int slot = 0) => $"{Machine}:{pid}:{slot}";

    public static DateTimeOffset At(long offsetMs) => DateTimeOffset.FromUnixTimeMilliseconds(T0 + offsetMs);

    public ModelCall Call(int number, long offsetMs, string worker, string marker, string? subtask, ModelCallKind kind)
    {
        var call = new ModelCall(number, At(offsetMs), worker, marker, subtask, kind, 200, $"{worker}#{number}");
        _calls.Add(call);
        return call;
    }

    /// <summary>A task row and its events (numbered from 1, times as offsets from <see cref="T0"/>).</summary>
    public async Task<FleetTask> TaskAsync(
        int number,
        FleetTaskKind kind,
        string status,
        IReadOnlyList<(long OffsetMs, string Type, string Data)> events,
        string[]? subtasks = null,
        string? branch = null,
        string? finalStatus = "same")
    {
        var marker = $"ft{number:0000}";
        var id = $"tsk{number:0000}abcd{number:0000}";
        var spec = new FleetTaskSpec(
            number,
            marker,
            kind,
            Repository,
            (subtasks ?? ["s1"]).Select(s => new FleetSubtaskSpec(s, [])).ToList(),
            $"[fleet {marker}] write the files",
            kind == FleetTaskKind.Approval);
        var task = new FleetTask(spec, id, At(0)) { FinalStatus = finalStatus == "same" ? status : finalStatus };
        _tasks.Add(task);
        var finished = events.Count > 0 ? T0 + events[^1].OffsetMs : (long?)null;
        await ExecuteAsync(
            """
            INSERT INTO tasks (id, repo, instruction, title, priority, require_plan_approval, source, status, phase, attempts, max_attempts,
                               created_at, updated_at, run_after, branch, last_seq, finished_at, last_error)
            VALUES (@id, @repo, @instruction, 'write the files', 0, false, 'api', @status, 'none', 1, 3, @created, @created, @created, @branch, @seq, @finished, @error)
            """,
            ("id", id), ("repo", Repo.RemotePath), ("instruction", spec.Instruction), ("status", status), ("created", T0),
            ("branch", (object?)branch ?? DBNull.Value), ("seq", (long)events.Count),
            ("finished", status is "succeeded" or "failed" or "cancelled" ? finished! : DBNull.Value),
            ("error", status == "failed" ? "the model said no" : DBNull.Value));
        for (var i = 0; i < events.Count; i++)
        {
            await AddEventAsync(id, i + 1, events[i].OffsetMs, events[i].Type, events[i].Data);
        }
        return task;
    }

    public Task AddEventAsync(string taskId, long seq, long offsetMs, string type, string data) =>
        ExecuteAsync(
            "INSERT INTO events (task_id, seq, time, type, data) VALUES (@task, @seq, @time, @type, @data)",
            ("task", taskId), ("seq", seq), ("time", T0 + offsetMs), ("type", type), ("data", data));

    public Task PullRequestAsync(FleetTask task, string branch) =>
        ExecuteAsync(
            """
            INSERT INTO pull_requests (task_id, forge, reference, repo, branch, base_branch, title, body, diff, draft, opened_at, updated_at)
            VALUES (@task, 'local', @reference, @repo, @branch, 'main', 'write the files', '', '', false, @at, @at)
            """,
            ("task", task.Id), ("reference", "local:" + branch), ("repo", Repo.RemotePath), ("branch", branch), ("at", T0));

    /// <summary>Pushes a branch from main with the given files to the remote.</summary>
    public void Push(string branch, params (string Path, string Content)[] files)
    {
        Repo.Git("checkout", "--quiet", "-B", branch, "main");
        Repo.Commit("work on " + branch, files);
        Repo.Git("checkout", "--quiet", "main");
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public FleetObservations Observations(FleetOptions? options = null, long faultsEndedOffsetMs = 30_000, long finishedOffsetMs = 60_000) => new(
        options ?? new FleetOptions { Tasks = _tasks.Count, Faults = new HashSet<FaultKind> { FaultKind.WorkerKill } },
        Database,
        _tasks,
        _calls,
        Faults,
        Workers,
        new Dictionary<string, string> { [Repository] = Repo.RemotePath },
        Memory,
        new HostLeftovers(Processes, Worktrees),
        At(0),
        At(faultsEndedOffsetMs),
        At(finishedOffsetMs));

    public ValueTask DisposeAsync()
    {
        Repo.Dispose();
        Directory.Delete(_data, recursive: true);
        return ValueTask.CompletedTask;
    }
}
