using Microsoft.Extensions.Options;
using Nightshift.Core.Tasks;
using Nightshift.Server.ForgeStatus;
using Nightshift.Storage;
using Nightshift.TestKit.Logging;
using Nightshift.TestKit.Time;

namespace Nightshift.Server.Tests.ForgeStatus;

/// <summary>A real store (SQLite in a temp folder, or the database given), the in-memory forge, and reporters on them.</summary>
internal sealed class ReporterFixture : IAsyncDisposable
{
    public const string Repo = "https://github.example/acme/widgets.git";

    public const string PublicUrl = "https://nightshift.example";

    private readonly List<INightshiftStore> _stores = [];
    private readonly string _data = Directory.CreateTempSubdirectory("nightshift-status-").FullName;
    private string? _database;

    public ManualClock Clock { get; } = new();

    public ConversationForge Forge { get; } = new();

    /// <summary>What the reporters logged, for a failing test's message.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public ForgeStatusOptions Options { get; } = new() { PublicUrl = PublicUrl };

    public INightshiftStore Store => _stores[0];

    public static async Task<ReporterFixture> StartAsync(string? database = null)
    {
        var fixture = new ReporterFixture { _database = database };
        await fixture.OpenStoreAsync();
        return fixture;
    }

    /// <summary>Another store on the same database, as another server of the fleet (or the same one restarted) has.</summary>
    public async Task<INightshiftStore> OpenStoreAsync()
    {
        var store = await StoreFactory.OpenAsync(_data, _database, Clock);
        _stores.Add(store);
        return store;
    }

    public ForgeStatusReporter Reporter(INightshiftStore? store = null) =>
        new(store ?? Store, Forge, Microsoft.Extensions.Options.Options.Create(Options), Clock, new Microsoft.Extensions.Logging.Logger<ForgeStatusReporter>(new Microsoft.Extensions.Logging.LoggerFactory([Logs])));

    public static TaskOrigin Issue(long number = 7, string? commentId = "IC_1") => new()
    {
        Forge = "github",
        Repository = "acme/widgets",
        Kind = TaskOriginKind.Issue,
        Number = number,
        Url = $"https://github.example/acme/widgets/issues/{number}",
        Actor = "octocat",
        CommentId = commentId,
    };

    public async Task<TaskRecord> SubmitAsync(string instruction = "fix the flaky test", TaskOrigin? origin = null, string? followUpOf = null, int maxAttempts = 3, string repo = Repo) =>
        (await Store.SubmitAsync(new NewTask { Repo = repo, Instruction = instruction, Origin = origin ?? Issue(), FollowUpOf = followUpOf, MaxAttempts = maxAttempts })).Task;

    public async Task<Lease> ClaimAsync() =>
        (await Store.TryClaimAsync(new ClaimRequest("host:1:0", TimeSpan.FromMinutes(5), null, null)))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
