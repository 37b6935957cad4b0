using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Workers;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Storage;
using Nightshift.TestKit.Time;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Server.Tests.Workers;

/// <summary>
/// Two workers, each with its own data folder, on one store: a worker's collection removes the worktrees it keeps for
/// tasks another worker ended or now runs, and keeps those it may still resume and those it ended itself.
/// </summary>
public abstract class KeptWorktreeSweepTests : IAsyncLifetime
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly List<WorkspaceServices> _services = [];

    // Starts at the real time because the collector compares it with real file times.
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    private INightshiftStore _store = null!;

    protected abstract Task<string> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        var database = await CreateDatabaseAsync();
        _store = await StoreFactory.OpenAsync(_repo.NewFolder("store"), database, _clock, new StoreOptions { RetryJitter = 0, RetryBaseDelay = TimeSpan.FromSeconds(5) });
    }

    public async Task DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }
        await _store.DisposeAsync();
        _repo.Dispose();
    }

    [StoreFact]
    public async Task Collect_TasksEndedOrRunningElsewhere_RemovesThisWorkersCopyAndKeepsWhatItMayResumeOrEnded()
    {
        var a = Worker("a");
        var b = Worker("b");
        var endedOnB = await KeepOnAAsync(a, "ends on b", priority: 30, TaskOutcome.Retry("the disk was full"));
        var runningOnB = await KeepOnAAsync(a, "runs on b", priority: 20, TaskOutcome.Retry("the model provider failed"));
        var retrying = await KeepOnAAsync(a, "retries", priority: 0, TaskOutcome.Retry("the model provider failed"));
        var approval = await KeepOnAAsync(a, "waits for approval", priority: 0, TaskOutcome.AwaitApproval(), approval: true);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var first = await ClaimAsync(b, endedOnB.Id);
        var failedOnB = await b.Tasks.PrepareAsync(new WorkspaceRequest(first.TaskId, _repo.RemotePath, null, "ends on b"), TestDefaults.TimeoutToken());
        await b.Tasks.ReleaseAsync(failedOnB, keep: true, TestDefaults.TimeoutToken());
        (await _store.FinishAsync(first, TaskOutcome.Failed("the tests failed"))).Status.ShouldBe(TaskState.Failed);
        var second = await ClaimAsync(b, runningOnB.Id);
        var runOnB = await b.Tasks.PrepareAsync(new WorkspaceRequest(second.TaskId, _repo.RemotePath, null, "runs on b"), TestDefaults.TimeoutToken());

        var onA = await a.Collector.CollectAsync(TestDefaults.TimeoutToken());
        var onB = await b.Collector.CollectAsync(TestDefaults.TimeoutToken());

        onA.WorktreesRemoved.ShouldBe(2);
        Directory.Exists(endedOnB.Path).ShouldBeFalse("the task ended on worker b: a's copy is nobody's to resume");
        Directory.Exists(runningOnB.Path).ShouldBeFalse("the task runs under b's lease: a's copy is stale");
        Directory.Exists(retrying.Path).ShouldBeTrue("a held the retrying task last and may resume it");
        Directory.Exists(approval.Path).ShouldBeTrue("the plan waits for approval; a built it");
        onB.WorktreesRemoved.ShouldBe(0);
        Directory.Exists(failedOnB.Path).ShouldBeTrue("b ended the task: its copy is the one kept for people to look at");
        Directory.Exists(runOnB.Path).ShouldBeTrue("b runs the task now");
    }

    [StoreFact]
    public async Task Collect_WorkerRestartedOnTheSameFolder_KeepsTheTaskItEndedBeforeTheRestart()
    {
        var a = Worker("a");
        var kept = await KeepOnAAsync(a, "fails on a", priority: 0, TaskOutcome.Failed("the tests failed"));
        var restarted = Worker("a", sameFolderAs: a);

        var report = await restarted.Collector.CollectAsync(TestDefaults.TimeoutToken());

        report.WorktreesRemoved.ShouldBe(0);
        Directory.Exists(kept.Path).ShouldBeTrue();
        (await _store.FindAsync(kept.Id))!.Status.ShouldBe(TaskState.Failed);
    }

    private sealed record TestWorker(string Data, WorkerIdentity Identity, WorkspaceServices Services, WorkspaceCollector Collector, ListLogger<WorkspaceCollector> Log)
    {
        public ITaskWorkspaces Tasks => Services.Tasks;
    }

    private sealed record Kept(string Id, string Path);

    private TestWorker Worker(string name, TestWorker? sameFolderAs = null)
    {
        var data = sameFolderAs?.Data ?? _repo.NewFolder("data-" + name);
        var policy = new RepositoryPolicy(Options.Create(new RepositoryOptions { AllowedRoots = [_repo.Root] }));
        var services = new WorkspaceServices(policy, Options.Create(new WorkspaceOptions { DataDirectory = data }), _clock, NullLogger<WorkspaceServices>.Instance);
        _services.Add(services);
        var identity = WorkerIdentity.For(data);
        var log = new ListLogger<WorkspaceCollector>();
        return new TestWorker(data, identity, services, new WorkspaceCollector(services, log, new WorkerWorktreeOwner(_store, identity)), log);
    }

    /// <summary>Submits a task, has worker A claim it, check it out and keep its worktree, and ends the attempt with <paramref name="outcome"/>.</summary>
    private async Task<Kept> KeepOnAAsync(TestWorker a, string instruction, int priority, TaskOutcome outcome, bool approval = false)
    {
        var task = (await _store.SubmitAsync(new NewTask { Repo = _repo.RemotePath, Instruction = instruction, Priority = priority, RequirePlanApproval = approval })).Task;
        var lease = await ClaimAsync(a, task.Id);
        var workspace = await a.Tasks.PrepareAsync(new WorkspaceRequest(task.Id, _repo.RemotePath, null, instruction), TestDefaults.TimeoutToken());
        if (approval)
        {
            await _store.SetPlanAsync(lease, """{"steps":["a"]}""");
        }
        await a.Tasks.ReleaseAsync(workspace, keep: true, TestDefaults.TimeoutToken());
        await _store.FinishAsync(lease, outcome);
        return new Kept(task.Id, workspace.Path);
    }

    private async Task<Lease> ClaimAsync(TestWorker worker, string expected)
    {
        var lease = (await _store.TryClaimAsync(new ClaimRequest(worker.Identity.WorkerId(0), TimeSpan.FromMinutes(5)))).ShouldNotBeNull();
        lease.TaskId.ShouldBe(expected);
        return lease;
    }
}

/// <summary><see cref="KeptWorktreeSweepTests"/> on SQLite.</summary>
public sealed class SqliteKeptWorktreeSweepTests : KeptWorktreeSweepTests
{
    protected override Task<string> CreateDatabaseAsync() => Task.FromResult("");
}

/// <summary><see cref="KeptWorktreeSweepTests"/> on PostgreSQL.</summary>
[RequiresPostgres]
public sealed class PostgresKeptWorktreeSweepTests(PostgresCluster cluster) : KeptWorktreeSweepTests, IClassFixture<PostgresCluster>
{
    protected override Task<string> CreateDatabaseAsync() => cluster.CreateDatabaseAsync();
}
