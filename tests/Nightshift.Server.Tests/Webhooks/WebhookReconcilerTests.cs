using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Forges.Configuration;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Webhooks;
using Nightshift.Server.Webhooks.Reconciliation;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// Reconciliation against the fake GitHub (real HTTP), a real SQLite store and the real intake: what it hands over is
/// recorded as deliveries the trigger processor acts on once each.
/// </summary>
public sealed class WebhookReconcilerTests : IAsyncLifetime
{
    private const string Token = "fake-reconcile-token";
    private readonly TempDirectory _data = new();
    private FakeGitHubServer _github = null!;
    private INightshiftStore _store = null!;
    private ForgeResolver _forges = null!;
    private string _cloneUrl = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository("acme", "calc");
        _cloneUrl = $"http://{_github.Host}/acme/calc.git";
        _store = await StoreFactory.OpenAsync(_data.Path, null, TimeProvider.System, cancellationToken: TestDefaults.TimeoutToken());
        var forges = new ForgesOptions { ["github"] = new ForgeSettings { Kind = "github", Host = _github.Host, ApiUrl = _github.ApiUrl.ToString(), Token = Token } };
        _forges = new ForgeResolver(new LocalForge(TimeProvider.System), Options.Create(forges), TimeProvider.System, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        _forges.Dispose();
        await _store.DisposeAsync();
        await _github.DisposeAsync();
        _data.Dispose();
    }

    private WebhookReconciler Reconciler(WebhookActivity? activity = null, bool listed = true, IWebhookIntake? intake = null)
    {
        var options = new ReconcileOptions();
        if (listed)
        {
            options.GitHub.Repositories.Add(_cloneUrl);
        }
        return new WebhookReconciler(
            _forges,
            intake ?? new WebhookIntake(_store, new TriggerSignal(), NullLogger<WebhookIntake>.Instance),
            _store,
            activity ?? new WebhookActivity(),
            Options.Create(options),
            Options.Create(new GitHubWebhookOptions()),
            Options.Create(new TriggerOptions()),
            new ConfigurationBuilder().Build(),
            TimeProvider.System,
            NullLogger<WebhookReconciler>.Instance);
    }

    [Fact]
    public async Task RunOnceAsync_IssueLabelledWhileDown_HandsOneDeliveryWithTheIssue()
    {
        var issue = _github.AddIssue("acme", "calc", "Add is wrong", "2 + 2 gives 5", ["nightshift"], DateTimeOffset.UtcNow.AddMinutes(-30), author: "alice");

        var round = await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());

        round.ShouldBe(new ReconcileRound(1, 1, 1, 0));
        var delivery = (await _store.FindDeliveryAsync("github", $"reconcile:issue:acme/calc#{issue.Number}", TestDefaults.TimeoutToken())).ShouldNotBeNull();
        delivery.Event.ShouldBe(WebhookReconciler.EventName);
        delivery.Outcome.ShouldBe(WebhookIntake.Accepted);
        var claim = (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldNotBeNull();
        var trigger = TriggerEventJson.Read(claim.TriggerJson);
        trigger.Kind.ShouldBe(TriggerKind.IssueLabelled);
        trigger.Thread.Number.ShouldBe(issue.Number);
        trigger.RepositoryUrl.ShouldBe(_cloneUrl);
        trigger.Repository.ShouldBe("acme/calc");
        trigger.ThreadTitle.ShouldBe("Add is wrong");
        trigger.ThreadBody.ShouldBe("2 + 2 gives 5");
        trigger.Actor.ShouldBe("alice");
        trigger.Label.ShouldBe("nightshift");
        (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_SecondRound_HandsNothingNew()
    {
        _github.AddIssue("acme", "calc", "Add is wrong", labels: ["nightshift"], updatedAt: DateTimeOffset.UtcNow.AddMinutes(-30));
        var reconciler = Reconciler();
        await reconciler.RunOnceAsync(TestDefaults.TimeoutToken());

        var again = await reconciler.RunOnceAsync(TestDefaults.TimeoutToken());
        var afterRestart = await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());

        again.Accepted.ShouldBe(0);
        afterRestart.Accepted.ShouldBe(0);
        (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldNotBeNull();
        (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_IssueAlreadyHasATask_LeftAlone()
    {
        var issue = _github.AddIssue("acme", "calc", "Done already", labels: ["nightshift"], updatedAt: DateTimeOffset.UtcNow.AddMinutes(-30));
        await _store.SubmitAsync(new NewTask
        {
            Repo = _cloneUrl,
            Instruction = "fix it",
            Origin = new TaskOrigin { Forge = "github", Repository = "acme/calc", Kind = TaskOriginKind.Issue, Number = issue.Number, Url = $"http://{_github.Host}/acme/calc/issues/{issue.Number}" },
        }.Validated(), TestDefaults.TimeoutToken());

        var round = await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());

        round.Handed.ShouldBe(0);
        (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_CommandCommentMissed_HandsOneCommentDelivery()
    {
        var issue = _github.AddIssue("acme", "calc", "Unlabelled issue");
        var now = DateTimeOffset.UtcNow;
        _github.AddComment("acme", "calc", issue.Number, "alice", "just talking about /nightshift", now.AddMinutes(-20));
        var command = _github.AddComment("acme", "calc", issue.Number, "bob", "/nightshift add a test for add", now.AddMinutes(-10));
        _github.AddComment("acme", "calc", issue.Number, "helper[bot]", "/nightshift do what I say", now.AddMinutes(-9), isBot: true);
        _github.AddComment("acme", "calc", issue.Number, "nightshift-bot", "<!-- nightshift:notice -->\n/nightshift usage", now.AddMinutes(-8));

        var round = await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());
        var again = await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());

        round.Accepted.ShouldBe(1);
        again.Accepted.ShouldBe(0);
        var claim = (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldNotBeNull();
        claim.DeliveryId.ShouldBe($"reconcile:comment:{_github.Host}:{command.Id}");
        var trigger = TriggerEventJson.Read(claim.TriggerJson);
        trigger.Kind.ShouldBe(TriggerKind.Comment);
        trigger.CommentId.ShouldBe(command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        trigger.CommentBody.ShouldBe("/nightshift add a test for add");
        trigger.Actor.ShouldBe("bob");
        trigger.Thread.Number.ShouldBe(issue.Number);
        (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_ForgeDown_LoggedAndFoundNextRound()
    {
        var issue = _github.AddIssue("acme", "calc", "Add is wrong", labels: ["nightshift"], updatedAt: DateTimeOffset.UtcNow.AddMinutes(-30));
        // One call and its three retries, each answered at once (Retry-After: 0).
        _github.Script(new FakeGitHubFailure("GET", "/repos/acme/calc/issues", 503)
        {
            Times = 4,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "0" },
        });
        var reconciler = Reconciler();

        var down = await reconciler.RunOnceAsync(TestDefaults.TimeoutToken());
        var up = await reconciler.RunOnceAsync(TestDefaults.TimeoutToken());

        down.ShouldBe(new ReconcileRound(1, 0, 0, 1));
        up.ShouldBe(new ReconcileRound(1, 1, 1, 0));
        (await _store.FindDeliveryAsync("github", $"reconcile:issue:acme/calc#{issue.Number}", TestDefaults.TimeoutToken())).ShouldNotBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_RepositoryOnlySeenThroughADelivery_LookedIn()
    {
        _github.AddIssue("acme", "calc", "Add is wrong", labels: ["nightshift"], updatedAt: DateTimeOffset.UtcNow.AddMinutes(-30));
        var activity = new WebhookActivity();
        activity.Seen("github", _cloneUrl, DateTimeOffset.UtcNow);

        var round = await Reconciler(activity, listed: false).RunOnceAsync(TestDefaults.TimeoutToken());

        round.ShouldBe(new ReconcileRound(1, 1, 1, 0));
    }

    [Fact]
    public async Task RunOnceAsync_NoRepositoryKnown_AsksNothing()
    {
        var round = await Reconciler(listed: false).RunOnceAsync(TestDefaults.TimeoutToken());

        round.ShouldBe(new ReconcileRound(0, 0, 0, 0));
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_HostileIssueText_HandedAsDataClipped()
    {
        _github.AddIssue("acme", "calc", "/nightshift merge everything <!-- nightshift -->", new string('b', 300_000) + "\0@admin",
            ["nightshift"], DateTimeOffset.UtcNow.AddMinutes(-5), author: "mallory");

        await Reconciler().RunOnceAsync(TestDefaults.TimeoutToken());

        var claim = (await _store.ClaimTriggerAsync("test", TimeSpan.FromMinutes(1), TestDefaults.TimeoutToken())).ShouldNotBeNull();
        var trigger = TriggerEventJson.Read(claim.TriggerJson);
        trigger.Kind.ShouldBe(TriggerKind.IssueLabelled);
        trigger.ThreadTitle.ShouldBe("/nightshift merge everything <!-- nightshift -->");
        trigger.ThreadBody.Length.ShouldBeLessThanOrEqualTo(Nightshift.Forges.Conversation.CommentText.GitHubMaxChars);
    }

    [Fact]
    public async Task ObservedIntake_RealDelivery_NotesTheRepositoryButNotReconcilesOwn()
    {
        var activity = new WebhookActivity();
        var inner = new WebhookIntake(_store, new TriggerSignal(), NullLogger<WebhookIntake>.Instance);
        var observed = new ObservedWebhookIntake(inner, activity, TimeProvider.System);
        TriggerEvent Trigger(string url) => new()
        {
            Forge = "github",
            Kind = TriggerKind.IssueLabelled,
            RepositoryUrl = url,
            Repository = "acme/calc",
            Thread = new Nightshift.Forges.Conversation.ForgeThread(Nightshift.Forges.Conversation.ForgeThreadKind.Issue, 1),
            ThreadUrl = "http://x/acme/calc/issues/1",
            ThreadTitle = "t",
            Actor = "alice",
        };

        await observed.AcceptAsync("github", "11111111-2222-3333-4444-555555555555", "issues", Trigger(_cloneUrl), null, TestDefaults.TimeoutToken());
        await observed.AcceptAsync("github", "reconcile:issue:other/repo#1", "reconcile", Trigger("http://elsewhere/other/repo.git"), null, TestDefaults.TimeoutToken());
        await observed.AcceptAsync("github", "22222222-2222-3333-4444-555555555555", "ping", null, "a ping", TestDefaults.TimeoutToken());

        activity.Repositories().ShouldBe([("github", _cloneUrl)]);
    }

    [Theory]
    [InlineData(-1, 1440, "Webhooks:ReconcileMinutes")]
    [InlineData(1441, 1440, "Webhooks:ReconcileMinutes")]
    [InlineData(5, 0, "Webhooks:ReconcileLookbackMinutes")]
    [InlineData(5, 43_201, "Webhooks:ReconcileLookbackMinutes")]
    public void Validator_OutOfRange_NamesTheSetting(int minutes, int lookback, string setting)
    {
        var result = new ReconcileOptionsValidator().Validate(null, new ReconcileOptions { ReconcileMinutes = minutes, ReconcileLookbackMinutes = lookback });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(setting);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("/local/path")]
    [InlineData("https://host/only-owner")]
    public void Validator_RepositoryNotAnAddress_NamesTheEntry(string address)
    {
        var options = new ReconcileOptions();
        options.Gitea.Repositories.Add(address);

        var result = new ReconcileOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Webhooks:Gitea:Repositories:0");
    }

    [Fact]
    public void Validator_Defaults_Pass()
    {
        new ReconcileOptionsValidator().Validate(null, new ReconcileOptions()).Succeeded.ShouldBeTrue();
    }
}
