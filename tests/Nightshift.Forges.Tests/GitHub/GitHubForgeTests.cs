using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Forges;
using Nightshift.Forges.GitHub;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;

namespace Nightshift.Forges.Tests.GitHub;

public sealed class GitHubForgeTests : IAsyncLifetime
{
    private const string Token = "github_pat_11SECRETSECRETSECRET";
    private readonly SocketsHttpHandler _handler = new();
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository("acme", "calc", "main", "develop");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _handler.Dispose();
    }

    private GitHubForge Forge(string token = Token, string[]? labels = null, string[]? reviewers = null) =>
        new(new ForgeEndpoint("github", ForgeKind.GitHub, _github.Host, _github.ApiUrl, new StaticForgeToken(token), labels ?? [], reviewers ?? []),
            _handler, TimeProvider.System, NullLogger.Instance)
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryWait = TimeSpan.FromSeconds(5),
        };

    private PullRequestDraft Draft(string branch = "nightshift/t1-fix", bool draft = false, string body = "## Summary\n\nFixed add.", string baseBranch = "main") =>
        new("01JTASK", $"http://{_github.Host}/acme/calc.git", branch, baseBranch, "Fix add", body, "diff --git a/x b/x\n", draft);

    [Fact]
    public async Task OpenAsync_NewBranch_OpensThePullRequestWithTitleBodyHeadAndBase()
    {
        var pull = await Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken());

        var opened = _github.Pulls.ShouldHaveSingleItem();
        opened.Title.ShouldBe("Fix add");
        opened.Body.ShouldBe("## Summary\n\nFixed add.");
        opened.Head.ShouldBe("nightshift/t1-fix");
        opened.Base.ShouldBe("main");
        opened.Draft.ShouldBeFalse();
        pull.Forge.ShouldBe("github");
        pull.Reference.ShouldBe($"{_github.ApiUrl}acme/calc/pull/{opened.Number}");
        pull.Draft.ShouldBeFalse();
        _github.Calls.ShouldAllBe(c => c.Authorization == $"Bearer {Token}");
    }

    [Fact]
    public async Task OpenAsync_DraftFlag_OpensADraftPullRequest()
    {
        var pull = await Forge().OpenAsync(Draft(draft: true), TestDefaults.TimeoutToken());

        _github.Pulls.ShouldHaveSingleItem().Draft.ShouldBeTrue();
        pull.Draft.ShouldBeTrue();
    }

    [Fact]
    public async Task OpenAsync_PullRequestAlreadyOpenForTheBranch_UpdatesItsTitleAndBody()
    {
        var forge = Forge();
        var first = await forge.OpenAsync(Draft(), TestDefaults.TimeoutToken());

        var second = await forge.OpenAsync(Draft(body: "## Summary\n\nFollow-up."), TestDefaults.TimeoutToken());

        var pull = _github.Pulls.ShouldHaveSingleItem();
        pull.Body.ShouldBe("## Summary\n\nFollow-up.");
        second.Reference.ShouldBe(first.Reference);
        _github.Calls.Select(c => $"{c.Method} {c.Path} {c.Status}").ShouldBe(
        [
            "POST /repos/acme/calc/pulls 201",
            "POST /repos/acme/calc/pulls 422",
            "GET /repos/acme/calc/pulls 200",
            $"PATCH /repos/acme/calc/pulls/{pull.Number} 200",
        ]);
        _github.Calls.Single(c => c.Method == "GET").Query.ShouldContain("head=acme%3Anightshift%2Ft1-fix");
    }

    [Fact]
    public async Task OpenAsync_LabelsAndReviewersConfigured_PutsThemOnThePullRequest()
    {
        await Forge(labels: ["nightshift", "bot"], reviewers: ["alice", "bob"]).OpenAsync(Draft(), TestDefaults.TimeoutToken());

        var pull = _github.Pulls.ShouldHaveSingleItem();
        pull.Labels.ShouldBe(["nightshift", "bot"]);
        pull.Reviewers.ShouldBe(["alice", "bob"]);
    }

    [Fact]
    public async Task OpenAsync_ReviewersRefused_KeepsTheOpenedPullRequest()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls/1/requested_reviewers", 422, "Reviews may only be requested from collaborators."));

        var pull = await Forge(reviewers: ["stranger"]).OpenAsync(Draft(), TestDefaults.TimeoutToken());

        pull.Reference.ShouldEndWith("/pull/1");
        _github.Pulls.ShouldHaveSingleItem().Reviewers.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_WrongToken_FailsWith401NamingTheTokenSettingWithoutTheToken()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge("ghp_WRONGWRONGWRONG").OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(401);
        error.Transient.ShouldBeFalse();
        error.Message.ShouldContain("Forges:github:Token");
        error.Message.ShouldNotContain("WRONGWRONG");
        _github.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task OpenAsync_PermissionMissing_NamesThePermissionGitHubAsksFor()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 403, "Resource not accessible by personal access token")
        {
            Headers = new Dictionary<string, string> { ["X-Accepted-GitHub-Permissions"] = "pull_requests=write" },
        });

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("pull_requests=write");
        error.Message.ShouldContain("Resource not accessible");
        error.Message.ShouldNotContain(Token);
    }

    [Fact]
    public async Task OpenAsync_UnknownRepository_Says404AndWhatToCheck()
    {
        var draft = Draft() with { Repo = $"http://{_github.Host}/acme/nothing" };

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(draft, TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("acme/nothing");
        error.Message.ShouldContain("base branch 'main'");
    }

    [Fact]
    public async Task OpenAsync_UnknownBaseBranch_Fails422WithGitHubsReason()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(baseBranch: "release"), TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(422);
        error.Message.ShouldContain("base release is not a branch");
        _github.Pulls.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_RateLimitedOnceWithRetryAfter_WaitsAndOpens()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 429, "API rate limit exceeded")
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        });
        var started = TimeProvider.System.GetTimestamp();

        await Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken());

        TimeProvider.System.GetElapsedTime(started).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
        _github.Calls.Select(c => c.Status).ShouldBe([429, 201]);
    }

    [Fact]
    public async Task OpenAsync_RateLimitResetAnHourAway_FailsAtOnceSayingHowLongToWait()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 403, "API rate limit exceeded for user")
        {
            Headers = new Dictionary<string, string> { ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Transient.ShouldBeTrue();
        error.RetryAfter.ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
        error.Message.ShouldContain("rate limit");
        _github.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task OpenAsync_ServerErrorTwice_RetriesAndOpens()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 500, "Server Error") { Times = 2 });

        await Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken());

        _github.Calls.Select(c => c.Status).ShouldBe([500, 500, 201]);
    }

    [Fact]
    public async Task OpenAsync_ServerErrorEveryTime_FailsTransientAfterTheRetries()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 502, "Bad Gateway") { Times = 100 });

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(502);
        error.Transient.ShouldBeTrue();
        _github.Calls.Count.ShouldBe(4);
    }

    [Fact]
    public async Task OpenAsync_ConnectionDroppedOnce_RetriesAndOpens()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 0) { Drop = true });

        await Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken());

        _github.Pulls.ShouldHaveSingleItem();
        _github.Calls.Select(c => c.Status).ShouldBe([0, 201]);
    }

    [Fact]
    public async Task OpenAsync_ConnectionAlwaysDropped_FailsTransientNamingTheApiAddress()
    {
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 0) { Drop = true, Times = 100 });

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Status.ShouldBeNull();
        error.Transient.ShouldBeTrue();
        error.Message.ShouldContain(_github.ApiUrl.ToString());
        error.Message.ShouldContain("Forges:github:ApiUrl");
    }

    [Fact]
    public async Task OpenAsync_NothingListening_FailsTransient()
    {
        var api = _github.ApiUrl;
        await _github.DisposeAsync();
        var forge = new GitHubForge(new ForgeEndpoint("github", ForgeKind.GitHub, "127.0.0.1", api, new StaticForgeToken(Token), [], []), _handler, TimeProvider.System, NullLogger.Instance)
        {
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetries = 1,
        };

        var error = await Should.ThrowAsync<ForgeException>(() => forge.OpenAsync(Draft(), TestDefaults.TimeoutToken()));

        error.Status.ShouldBeNull();
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
    }

    [Fact]
    public async Task OpenAsync_OversizedBody_IsCutToWhatGitHubTakesWithAMarker()
    {
        var pull = await Forge().OpenAsync(Draft(body: new string('x', 200_000)), TestDefaults.TimeoutToken());

        var body = _github.Pulls.ShouldHaveSingleItem().Body.ShouldNotBeNull();
        body.Length.ShouldBeLessThan(GitHubForge.MaxBodyChars + 100);
        body.ShouldEndWith("(cut: GitHub takes at most 65,000 characters)");
        pull.Body.ShouldBe(body);
    }

    [Theory]
    [InlineData("/srv/repos/calc")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task OpenAsync_NotARepositoryAddress_FailsSayingSoWithoutCallingGitHub(string repo)
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft() with { Repo = repo }, TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("is not a GitHub repository address");
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_Cancelled_StopsWithoutOpening()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => Forge().OpenAsync(Draft(), cancelled.Token));

        _github.Pulls.ShouldBeEmpty();
    }

}
