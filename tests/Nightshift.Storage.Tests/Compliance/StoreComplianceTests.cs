using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Time;

namespace Nightshift.Storage.Tests.Compliance;

/// <summary>
/// The behaviour every dialect must show. Each dialect's class inherits these tests and supplies a fresh,
/// empty database per test; the clock is manual so leases and backoffs expire without waiting.
/// </summary>
public abstract partial class StoreComplianceTests : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    private readonly List<INightshiftStore> _opened = [];

    protected ManualClock Clock { get; } = new();

    protected StoreOptions Options { get; } = new()
    {
        RetryJitter = 0,
        RetryBaseDelay = TimeSpan.FromSeconds(5),
        PollingInterval = TimeSpan.FromMilliseconds(250),
    };

    protected string DataDirectory { get; } = Directory.CreateTempSubdirectory("nightshift-store-").FullName;

    /// <summary>The NIGHTSHIFT_DB value of this test's database.</summary>
    protected string Database { get; private set; } = "";

    protected INightshiftStore Store { get; private set; } = null!;

    protected abstract string ExpectedDialect { get; }

    /// <summary>A new empty database for this test; returns its NIGHTSHIFT_DB value.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Runs SQL straight against the test's database, around the store (to inspect or tamper).</summary>
    protected abstract Task<object?> RawScalarAsync(string sql);

    public virtual async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Store = await OpenAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>Another store on the same database, as a second process would have.</summary>
    protected async Task<INightshiftStore> OpenAsync(StoreOptions? options = null)
    {
        var store = await StoreFactory.OpenAsync(DataDirectory, Database, Clock, options ?? Options);
        _opened.Add(store);
        return store;
    }

    protected static NewTask Ask(string instruction = "fix the flaky test", string repo = "https://example.com/acme/app", int priority = 0, string? key = null, int maxAttempts = 3, bool approval = false) =>
        new() { Repo = repo, Instruction = instruction, Priority = priority, IdempotencyKey = key, MaxAttempts = maxAttempts, RequirePlanApproval = approval };

    protected async Task<TaskRecord> SubmitAsync(NewTask? task = null) => (await Store.SubmitAsync(task ?? Ask())).Task;

    protected static ClaimRequest Claimer(string worker = "host:1:0", int? maxRunning = null, int? maxPerRepo = null) =>
        new(worker, LeaseTime, maxRunning, maxPerRepo);

    protected async Task<Lease> ClaimAsync(string worker = "host:1:0")
    {
        var lease = await Store.TryClaimAsync(Claimer(worker));
        lease.ShouldNotBeNull("a queued task should have been claimable");
        return lease;
    }

    protected async Task<IReadOnlyList<TaskEvent>> EventsAsync(string id) => await Store.ReadEventsAsync(id, 0);

    /// <summary>The task and its log, to show that a refused call changed nothing.</summary>
    protected async Task<(TaskRecord Task, string? Checkpoint, IReadOnlyList<TaskEvent> Events)> SnapshotAsync(string id) =>
        ((await Store.FindAsync(id))!, await Store.GetCheckpointAsync(id), await EventsAsync(id));

    protected async Task ShouldBeUnchangedAsync((TaskRecord Task, string? Checkpoint, IReadOnlyList<TaskEvent> Events) before)
    {
        var after = await SnapshotAsync(before.Task.Id);
        after.Task.ShouldBe(before.Task);
        after.Checkpoint.ShouldBe(before.Checkpoint);
        after.Events.ShouldBe(before.Events);
    }

    protected static IEnumerable<string> Types(IEnumerable<TaskEvent> events) => events.Select(e => e.Type);
}
