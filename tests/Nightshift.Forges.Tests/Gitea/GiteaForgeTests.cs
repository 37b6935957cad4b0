using Microsoft.Extensions.Logging;
using Nightshift.Core.Forges;
using Nightshift.Forges.Gitea;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Time;

namespace Nightshift.Forges.Tests.Gitea;

public sealed class GiteaForgeTests : IAsyncLifetime
{
    private const string Repo = "acme/calc";
    private const string Branch = "nightshift/abcd1234-fix-add";

    private readonly HttpClient _http = new();
    private readonly InstantDelayClock _clock = new();
    private readonly ListLogger<GiteaForge> _log = new();
    private FakeGiteaServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeGiteaServer.StartAsync();
        _server.AddRepository(Repo, "main", Branch);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private GiteaForge Forge(IReadOnlyList<string>? labels = null, IReadOnlyList<string>? reviewers = null, string? token = null) =>
        new(new ForgeEndpoint("Forges:codeberg", ForgeKind.Gitea, _server.Host, _server.ApiUri, new StaticForgeToken(token ?? _server.Token), labels ?? [], reviewers ?? []),
            _http, _clock, _log);

    private PullRequestDraft Draft(string repo = Repo, string branch = Branch, string title = "Fix add", bool draft = false, string body = "## Summary\nFixed.") =>
        new("01JTASKID0000000000000000", _server.RepositoryAddress(repo), branch, "main", title, body, "diff --git a/x b/x\n", draft);

    private List<ForgeCall> Calls(string method, string pathEnd) =>
        [.. _server.Calls.Where(c => c.Method == method && c.Path.EndsWith(pathEnd, StringComparison.Ordinal))];

    [Fact]
    public async Task OpenAsync_NewBranch_CreatesPullRequestAndReturnsItsHtmlUrl()
    {
        var opened = await Forge().OpenAsync(Draft());

        var pull = _server.Pulls.ShouldHaveSingleItem();
        pull.SourceBranch.ShouldBe(Branch);
        pull.TargetBranch.ShouldBe("main");
        pull.Title.ShouldBe("Fix add");
        pull.Description.ShouldBe("## Summary\nFixed.");
        opened.Reference.ShouldBe(new Uri(_server.BaseUri, "acme/calc/pulls/1").AbsoluteUri);
        opened.Forge.ShouldBe("gitea");
        opened.OpenedAt.ShouldBe(pull.CreatedAt);
        _server.Calls.ShouldAllBe(c => c.Headers["Authorization"] == "token " + _server.Token);
        Calls("POST", "/api/v1/repos/acme/calc/pulls").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_Draft_PrefixesTheTitleWithWip()
    {
        var opened = await Forge().OpenAsync(Draft(draft: true));

        _server.Pulls.ShouldHaveSingleItem().Title.ShouldBe("WIP: Fix add");
        opened.Draft.ShouldBeTrue();
    }

    [Fact]
    public async Task OpenAsync_BranchAlreadyHasAnOpenPullRequest_PatchesIt()
    {
        var forge = Forge();
        var first = await forge.OpenAsync(Draft(draft: true));

        var second = await forge.OpenAsync(Draft(title: "Fix add, verified", body: "Verified."));

        var pull = _server.Pulls.ShouldHaveSingleItem();
        pull.Title.ShouldBe("Fix add, verified");
        pull.Description.ShouldBe("Verified.");
        second.Reference.ShouldBe(first.Reference);
        Calls("PATCH", "/pulls/1").ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData(409)]
    [InlineData(422)]
    public async Task OpenAsync_CreateAnswersAlreadyExists_FindsTheOpenOneAndPatchesIt(int conflictStatus)
    {
        _server.ConflictStatus = conflictStatus;
        var forge = Forge();
        await forge.OpenAsync(Draft());
        _server.Fail(c => c.Method == "GET" && c.Path.EndsWith("/pulls", StringComparison.Ordinal), ForgeFault.Raw(200, "[]", "application/json"));

        await forge.OpenAsync(Draft(title: "Second try"));

        _server.Pulls.ShouldHaveSingleItem().Title.ShouldBe("Second try");
        _server.Calls.Skip(2).Select(c => c.Method).ShouldBe(["GET", "POST", "GET", "PATCH"]);
    }

    [Fact]
    public async Task OpenAsync_OpenPullRequestOnALaterPage_IsFoundAndPatched()
    {
        _server.AddPulls(Repo, 60);
        var forge = Forge();
        await forge.OpenAsync(Draft());

        await forge.OpenAsync(Draft(title: "Found on page two"));

        _server.Pulls.Single(p => p.SourceBranch == Branch).Title.ShouldBe("Found on page two");
        _server.Pulls.Count.ShouldBe(61);
        Calls("GET", "/pulls").Select(c => c.QueryValue("page")).ShouldBe(["1", "2", "1", "2"]);
    }

    [Fact]
    public async Task OpenAsync_Labels_AreResolvedToIdsAcrossPagesAndUnknownOnesSkippedWithAWarning()
    {
        for (var i = 0; i < 55; i++)
        {
            _server.AddLabel(Repo, $"label-{i}");
        }
        var late = _server.AddLabel(Repo, "nightshift");
        var forge = Forge(labels: ["nightshift", "missing"]);

        await forge.OpenAsync(Draft());
        await forge.OpenAsync(Draft(title: "Again"));

        Calls("POST", "/pulls").ShouldHaveSingleItem().Json!["labels"]!.AsArray().Select(n => n!.GetValue<long>()).ShouldBe([late]);
        Calls("POST", "/issues/1/labels").ShouldHaveSingleItem();
        _server.Pulls.ShouldHaveSingleItem().Labels.ShouldBe(["nightshift"]);
        _log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("'missing'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAsync_Reviewers_AreRequestedAfterOpening()
    {
        _server.AddCollaborator(Repo, "alice");

        await Forge(reviewers: ["@alice"]).OpenAsync(Draft());

        _server.Pulls.ShouldHaveSingleItem().Reviewers.ShouldBe(["alice"]);
        Calls("POST", "/pulls/1/requested_reviewers").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_ReviewerNotACollaborator_OpensAnywayAndWarns()
    {
        var opened = await Forge(reviewers: ["stranger"]).OpenAsync(Draft());

        opened.Reference.ShouldEndWith("/pulls/1");
        _log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("stranger", StringComparison.Ordinal) && e.Message.Contains("collaborators", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAsync_HostileTitleAndBranch_ArriveIntact()
    {
        const string branch = "nightshift/\"quoted\"-ünïcödé";
        _server.AddRepository("acme/other", "main", branch);

        await Forge().OpenAsync(Draft(repo: "acme/other", branch: branch, title: "Fix \"add\"\nnow 🚀", body: "a\0b"));

        var pull = _server.Pulls.ShouldHaveSingleItem();
        pull.SourceBranch.ShouldBe(branch);
        pull.Title.ShouldBe("Fix \"add\" now 🚀");
        pull.Description.ShouldBe("ab");
    }

    [Fact]
    public async Task CommentOnIssueAsync_ExistingIssue_AddsAComment()
    {
        _server.AddIssue(Repo, 7);

        await Forge().CommentOnIssueAsync(_server.RepositoryAddress(Repo), 7, "Opened #8 for this.");

        _server.Comments.ShouldHaveSingleItem().ShouldBe(new ForgeComment(Repo, 7, "Opened #8 for this."));
        Calls("POST", "/api/v1/repos/acme/calc/issues/7/comments").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task CommentOnIssueAsync_UnknownIssue_ThrowsNamingTheIssue()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentOnIssueAsync(_server.RepositoryAddress(Repo), 99, "hi"));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("no issue #99 in 'acme/calc'");
    }

    [Fact]
    public async Task CommentOnIssueAsync_WithoutWriteIssueScope_ThrowsNamingTheScope()
    {
        _server.AddIssue(Repo, 7);
        _server.Scopes.Remove("write:issue");

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentOnIssueAsync(_server.RepositoryAddress(Repo), 7, "hi"));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("required scope(s): [write:issue]");
        error.Message.ShouldContain("write:repository");
    }

    [Fact]
    public async Task OpenAsync_TokenRejected_ThrowsNamingTheScopesAndNeverTheToken()
    {
        const string wrong = "ffffffffffffffffffffffffffffffffffffffff";

        var error = await Should.ThrowAsync<ForgeException>(() => Forge(token: wrong).OpenAsync(Draft()));

        error.Status.ShouldBe(401);
        error.Message.ShouldContain("write:repository and write:issue");
        error.ToString().ShouldNotContain(wrong);
        _log.Entries.ShouldAllBe(e => !e.Message.Contains(wrong));
    }

    [Fact]
    public async Task OpenAsync_WithoutWriteRepositoryScope_ThrowsNamingIt()
    {
        _server.Scopes.Clear();
        _server.Scopes.Add("read:repository");

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("[write:repository]");
    }

    [Fact]
    public async Task OpenAsync_UnknownRepository_ThrowsNamingIt()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(repo: "acme/nope")));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("no repository 'acme/nope'");
    }

    [Fact]
    public async Task OpenAsync_UnknownBaseBranch_ThrowsNamingTheBranch()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft() with { BaseBranch = "develop" }));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("'develop'");
    }

    [Fact]
    public async Task OpenAsync_RateLimitedWithRetryAfterDate_WaitsUntilThatTime()
    {
        var when = _clock.GetUtcNow().AddSeconds(20).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        _server.Fail(c => c.Method == "POST", ForgeFault.RateLimited(when));

        await Forge().OpenAsync(Draft());

        _clock.Delays.ShouldBe([TimeSpan.FromSeconds(20)]);
        _server.Pulls.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_XRateLimitResetOnA403WithNoneRemaining_IsARateLimitAndWaited()
    {
        _server.Fail(c => c.Method == "GET", ForgeFault.Error(403, "API rate limit exceeded").WithHeader("X-RateLimit-Remaining", "0").WithHeader("X-RateLimit-Reset", "5"));

        await Forge().OpenAsync(Draft());

        _clock.Delays.ShouldBe([TimeSpan.FromSeconds(5)]);
    }

    [Fact]
    public async Task OpenAsync_ServerError500Persisting_ThrowsATransientError()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Error(500, "internal"), times: 4);

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(500);
        error.Transient.ShouldBeTrue();
        Calls("POST", "/pulls").Count.ShouldBe(4);
        _server.Pulls.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_ConnectionDroppedOnce_IsRetriedAndOpens()
    {
        _server.Fail(c => c.Method == "GET", ForgeFault.Dropped());

        await Forge().OpenAsync(Draft());

        _server.Pulls.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_EndpointAnswersHtml_ThrowsSayingTheApiAddressIsWrong()
    {
        _server.Fail(_ => true, ForgeFault.Raw(200, "<html><body>Gitea: Git with a cup of tea</body></html>", "text/html; charset=utf-8"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("HTML page");
        error.Message.ShouldContain("Forges:codeberg");
    }

    [Fact]
    public async Task OpenAsync_HugeErrorBody_GivesABoundedMessage()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Raw(422, new string('x', 3_000_000), "text/plain"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.Length.ShouldBeLessThan(1_000);
    }

    [Fact]
    public async Task OpenAsync_NestedPath_IsRefusedBecauseGiteaRepositoriesAreOwnerSlashName()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(repo: "acme/team/calc")));

        error.Message.ShouldContain("owner/name");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CheckAsync_WorkingToken_IsOkAndNamesTheUser()
    {
        var check = await Forge().CheckAsync();

        check.Ok.ShouldBeTrue();
        check.User.ShouldBe("nightshift");
        Calls("GET", "/api/v1/user").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task CheckAsync_WithoutReadUser_IsNotOkAndNamesTheScope()
    {
        _server.Scopes.Remove("read:user");

        var check = await Forge().CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("[read:user]");
    }

    [Fact]
    public async Task CheckAsync_TokenRejected_IsNotOk()
    {
        var check = await Forge(token: "nope").CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("HTTP 401");
    }

    [Theory]
    [InlineData(null, "nightshift")]
    [InlineData("", "nightshift")]
    [InlineData("alice", "alice")]
    [InlineData("evil:name", "nightshift")]
    [InlineData("line\nbreak", "nightshift")]
    public void PushUsername_TokenOwner_IsUsedWhenItIsAPlainName(string? owner, string expected)
    {
        GiteaForge.PushUsername(owner).ShouldBe(expected);
    }

    [Fact]
    public async Task EveryCall_TheToken_TravelsOnlyInTheAuthorizationHeader()
    {
        _server.AddIssue(Repo, 42);
        _server.AddCollaborator(Repo, "alice");
        _server.AddLabel(Repo, "bot");
        var forge = Forge(labels: ["bot"], reviewers: ["alice"]);

        var opened = await forge.OpenAsync(Draft(draft: true));
        var updated = await forge.OpenAsync(Draft());
        await forge.CommentOnIssueAsync(_server.RepositoryAddress(Repo), 42, "done");
        await forge.CheckAsync();

        _server.Calls.Count.ShouldBeGreaterThan(5);
        foreach (var call in _server.Calls)
        {
            call.Body.ShouldNotContain(_server.Token);
            call.Path.ShouldNotContain(_server.Token);
            call.Query.ShouldNotContain(_server.Token);
            call.Headers.Where(h => h.Value.Contains(_server.Token, StringComparison.Ordinal)).Select(h => h.Key).ShouldBe(["Authorization"]);
        }
        opened.ToString().ShouldNotContain(_server.Token);
        updated.ToString().ShouldNotContain(_server.Token);
        _log.Entries.ShouldAllBe(e => !e.Message.Contains(_server.Token));
    }

}
