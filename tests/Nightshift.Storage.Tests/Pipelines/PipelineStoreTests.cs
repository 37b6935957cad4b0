using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Time;

namespace Nightshift.Storage.Tests.Pipelines;

/// <summary>
/// The pipeline store's behaviour on every dialect: each dialect's class inherits these tests and supplies a fresh,
/// empty database per test; the clock is manual so leases and schedules come due without waiting.
/// </summary>
public abstract partial class PipelineStoreTests : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    protected const string Yaml = "name: lint-fix-test\nsteps:\n  lint:\n    run: ./lint.sh\n  fix:\n    depends_on: [lint]\n    instruction: fix it\n";

    protected static readonly IReadOnlyList<string> StepNames = ["lint", "fix", "test"];

    private readonly List<INightshiftStore> _opened = [];

    protected ManualClock Clock { get; } = new();

    protected StoreOptions Options { get; } = new() { RetryJitter = 0, PollingInterval = TimeSpan.FromMilliseconds(250) };

    protected string DataDirectory { get; } = Directory.CreateTempSubdirectory("nightshift-pipelines-").FullName;

    /// <summary>The NIGHTSHIFT_DB value of this test's database.</summary>
    protected string Database { get; private set; } = "";

    protected INightshiftStore Store { get; private set; } = null!;

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

    /// <summary>Another store on the same database, as a second process (or server of a fleet) would have.</summary>
    protected async Task<INightshiftStore> OpenAsync()
    {
        var store = await StoreFactory.OpenAsync(DataDirectory, Database, Clock, Options);
        _opened.Add(store);
        return store;
    }

    protected static NewRun Run(string org = OrgIds.Default, string? key = null, string pipeline = "lint-fix-test", string? yaml = Yaml) => new()
    {
        OrgId = org,
        Pipeline = pipeline,
        Yaml = yaml,
        Repo = "https://example.com/acme/shop",
        BaseBranch = "main",
        Inputs = new Dictionary<string, string> { ["package"] = "left-pad", ["note"] = "a \"quoted\" value\nwith a newline" },
        Trigger = "cli",
        CreatedBy = "ada",
        IdempotencyKey = key,
    };

    protected async Task<RunRecord> CreateAsync(NewRun? run = null, IReadOnlyList<string>? steps = null) =>
        (await Store.CreateRunAsync(run ?? Run(), steps ?? StepNames)).Run;

    protected async Task<RunLease> ClaimOneAsync(IPipelineStore? store = null, string owner = "server-a")
    {
        var leases = await (store ?? Store).ClaimRunsAsync(owner, LeaseTime, 10);
        leases.Count.ShouldBe(1, "exactly one run should have been due");
        return leases[0];
    }

    protected static RunChange Events(params (string Type, string Data)[] events) => new() { Events = events };
}
