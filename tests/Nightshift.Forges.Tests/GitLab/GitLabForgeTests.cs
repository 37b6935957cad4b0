using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Forges;
using Nightshift.Forges.GitLab;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Time;

namespace Nightshift.Forges.Tests.GitLab;

public sealed class GitLabForgeTests : IAsyncLifetime
{
    private const string Project = "acme/calc";
    private const string Branch = "nightshift/abcd1234-fix-add";

    private readonly HttpClient _http = new();
    private readonly InstantDelayClock _clock = new();
    private readonly ListLogger<GitLabForge> _log = new();
    private FakeGitLabServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeGitLabServer.StartAsync();
        _server.AddProject(Project, "main", Branch);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private GitLabForge Forge(IReadOnlyList<string>? labels = null, IReadOnlyList<string>? reviewers = null, string? token = null) =>
        new(new ForgeEndpoint("Forges:gitlab", ForgeKind.GitLab, _server.Host, _server.ApiUri, new StaticForgeToken(token ?? _server.Token), labels ?? [], reviewers ?? []),
            _http, _clock, _log);

    private PullRequestDraft Draft(string project = Project, string branch = Branch, string title = "Fix add", bool draft = false, string body = "## Summary\nFixed.") =>
        new("01JTASKID0000000000000000", _server.RepositoryAddress(project), branch, "main", title, body, "diff --git a/x b/x\n", draft);

    private List<ForgeCall> Calls(string method, string pathEnd) =>
        [.. _server.Calls.Where(c => c.Method == method && c.Path.EndsWith(pathEnd, StringComparison.Ordinal))];

    private void TokenNeverShown(Exception? exception = null)
    {
        exception?.Message.ShouldNotContain(_server.Token);
        exception?.ToString().ShouldNotContain(_server.Token);
        _log.Entries.ShouldAllBe(e => !e.Message.Contains(_server.Token));
    }

    [Fact]
    public async Task OpenAsync_NewBranch_CreatesMergeRequestAndReturnsItsWebUrl()
    {
        var opened = await Forge().OpenAsync(Draft());

        var mr = _server.MergeRequests.ShouldHaveSingleItem();
        mr.SourceBranch.ShouldBe(Branch);
        mr.TargetBranch.ShouldBe("main");
        mr.Title.ShouldBe("Fix add");
        mr.Description.ShouldBe("## Summary\nFixed.");
        opened.Reference.ShouldBe(new Uri(_server.BaseUri, "acme/calc/-/merge_requests/1").AbsoluteUri);
        opened.Forge.ShouldBe("gitlab");
        opened.Draft.ShouldBeFalse();
        opened.OpenedAt.ShouldBe(mr.CreatedAt);
        var create = Calls("POST", "/merge_requests").ShouldHaveSingleItem();
        create.Headers["PRIVATE-TOKEN"].ShouldBe(_server.Token);
        create.Headers.ContainsKey("Authorization").ShouldBeFalse();
        create.Path.ShouldBe("/api/v4/projects/acme%2Fcalc/merge_requests");
    }

    [Fact]
    public async Task OpenAsync_NestedGroups_AddressesTheProjectByItsEncodedFullPath()
    {
        _server.AddProject("org/platform/team/tools/calc", "main", Branch);

        var opened = await Forge().OpenAsync(Draft("org/platform/team/tools/calc"));

        _server.Calls.ShouldAllBe(c => c.Path.StartsWith("/api/v4/projects/org%2Fplatform%2Fteam%2Ftools%2Fcalc/", StringComparison.Ordinal));
        opened.Reference.ShouldEndWith("/org/platform/team/tools/calc/-/merge_requests/1");
    }

    [Fact]
    public async Task OpenAsync_Draft_PrefixesTheTitleWithDraft()
    {
        var opened = await Forge().OpenAsync(Draft(draft: true));

        _server.MergeRequests.ShouldHaveSingleItem().Title.ShouldBe("Draft: Fix add");
        opened.Draft.ShouldBeTrue();
        opened.Title.ShouldBe("Draft: Fix add");
    }

    [Fact]
    public async Task OpenAsync_TitleAlreadyMarkedDraft_IsNotMarkedTwice()
    {
        await Forge().OpenAsync(Draft(title: "Draft: WIP: Fix add", draft: true));

        _server.MergeRequests.ShouldHaveSingleItem().Title.ShouldBe("Draft: Fix add");
    }

    [Fact]
    public async Task OpenAsync_BranchAlreadyHasAnOpenMergeRequest_UpdatesItInsteadOfOpeningAnother()
    {
        var forge = Forge();
        var first = await forge.OpenAsync(Draft(title: "Fix add", draft: true));

        var second = await forge.OpenAsync(Draft(title: "Fix add, verified", body: "## Summary\nVerified."));

        var mr = _server.MergeRequests.ShouldHaveSingleItem();
        mr.Title.ShouldBe("Fix add, verified");
        mr.Description.ShouldBe("## Summary\nVerified.");
        second.Reference.ShouldBe(first.Reference);
        second.Draft.ShouldBeFalse();
        Calls("POST", "/merge_requests").Count.ShouldBe(1);
        Calls("PUT", "/merge_requests/1").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_CreateAnswers409_FindsTheOpenOneAndUpdatesIt()
    {
        var forge = Forge();
        await forge.OpenAsync(Draft());
        // The look-up misses it (another attempt opened it in between), so the create meets GitLab's 409.
        _server.Fail(c => c.Method == "GET" && c.Path.EndsWith("/merge_requests", StringComparison.Ordinal), ForgeFault.Raw(200, "[]", "application/json"));

        var second = await forge.OpenAsync(Draft(title: "Second try"));

        _server.MergeRequests.ShouldHaveSingleItem().Title.ShouldBe("Second try");
        second.Reference.ShouldEndWith("/merge_requests/1");
        _server.Calls.Select(c => c.Method).ShouldBe(["GET", "POST", "GET", "POST", "GET", "PUT"]);
    }

    [Fact]
    public async Task OpenAsync_ForkHasAnOpenMergeRequestFromTheSameBranchName_OpensItsOwn()
    {
        _server.AddForkMergeRequest(Project, Branch, "main");

        var opened = await Forge().OpenAsync(Draft());

        opened.Reference.ShouldEndWith("/merge_requests/2");
        _server.MergeRequests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task OpenAsync_Labels_AreSentCommaSeparatedAndAddedAgainOnUpdate()
    {
        var forge = Forge(labels: ["nightshift", "needs review", "bad,label", " "]);

        await forge.OpenAsync(Draft());
        await forge.OpenAsync(Draft(title: "Again"));

        Calls("POST", "/merge_requests").ShouldHaveSingleItem().Json!["labels"]!.GetValue<string>().ShouldBe("nightshift,needs review");
        Calls("PUT", "/merge_requests/1").ShouldHaveSingleItem().Json!["add_labels"]!.GetValue<string>().ShouldBe("nightshift,needs review");
        _server.MergeRequests.ShouldHaveSingleItem().Labels.ShouldBe(["nightshift", "needs review"]);
        _log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("'bad,label'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAsync_Reviewers_AreResolvedToUserIdsAndUnknownNamesSkippedWithAWarning()
    {
        var alice = _server.AddUser("alice");
        var bob = _server.AddUser("bob");

        await Forge(reviewers: ["alice", "@bob", "nobody"]).OpenAsync(Draft());

        _server.MergeRequests.ShouldHaveSingleItem().Reviewers.ShouldBe([alice.ToString(System.Globalization.CultureInfo.InvariantCulture), bob.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        _server.Calls.Where(c => c.Path.EndsWith("/users", StringComparison.Ordinal)).Select(c => c.QueryValue("username")).ShouldBe(["alice", "bob", "nobody"]);
        _log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("'nobody'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAsync_OAuthToken_IsSentAsBearer()
    {
        _server.Token = "4f1a0c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f";

        await Forge().OpenAsync(Draft());

        _server.Calls.ShouldAllBe(c => c.Headers["Authorization"] == "Bearer " + _server.Token && !c.Headers.ContainsKey("PRIVATE-TOKEN"));
    }

    [Fact]
    public async Task OpenAsync_HostileTitleAndBranch_ArriveIntactAsOneLineTitleAndEscapedQuery()
    {
        const string branch = "nightshift/\"quoted\"-ünïcödé-&x=1";
        _server.AddBranch(Project, branch);
        var title = "Fix \"add\"\nwith\r\nnewlines\t and émoji 🚀 </script>";

        var forge = Forge();
        await forge.OpenAsync(Draft(branch: branch, title: title, body: "line1\n\"quoted\"\0 and a NUL"));
        var mr = _server.MergeRequests.ShouldHaveSingleItem();
        var (sentTitle, sentDescription) = (mr.Title, mr.Description);
        await forge.OpenAsync(Draft(branch: branch, title: "again"));

        _server.MergeRequests.ShouldHaveSingleItem().Title.ShouldBe("again");
        mr.SourceBranch.ShouldBe(branch);
        sentTitle.ShouldBe("Fix \"add\" with newlines and émoji 🚀 </script>");
        sentDescription.ShouldBe("line1\n\"quoted\" and a NUL");
        _server.Calls.First(c => c.Method == "GET").QueryValue("source_branch").ShouldBe(branch);
        Calls("PUT", "/merge_requests/1").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_TitleLongerThanGitLabTakes_IsCutToTwoHundredFiftyFiveWithoutSplittingACharacter()
    {
        var title = new string('a', 254) + "🚀🚀";

        await Forge().OpenAsync(Draft(title: title));

        _server.MergeRequests.ShouldHaveSingleItem().Title.ShouldBe(new string('a', 254));
    }

    [Fact]
    public async Task OpenAsync_DescriptionLongerThanGitLabTakes_IsCutWithAMarker()
    {
        await Forge().OpenAsync(Draft(body: new string('x', 1_200_000)));

        var description = _server.MergeRequests.ShouldHaveSingleItem().Description;
        description.Length.ShouldBeLessThanOrEqualTo(1_000_000);
        description.ShouldEndWith("(truncated by Nightshift: the full text was longer than the forge accepts)");
    }

    [Fact]
    public async Task CommentOnIssueAsync_ExistingIssue_AddsANote()
    {
        _server.AddIssue(Project, 42);

        await Forge().CommentOnIssueAsync(_server.RepositoryAddress(Project), 42, "Opened !1 for this.");

        _server.Notes.ShouldHaveSingleItem().ShouldBe(new ForgeComment(Project, 42, "Opened !1 for this."));
        Calls("POST", "/api/v4/projects/acme%2Fcalc/issues/42/notes").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task CommentOnIssueAsync_UnknownIssue_ThrowsNamingTheIssueAndProject()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentOnIssueAsync(_server.RepositoryAddress(Project), 404, "hi"));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("no issue #404 in 'acme/calc'");
        error.Transient.ShouldBeFalse();
    }

    [Theory]
    [InlineData(0L, "text")]
    [InlineData(-1L, "text")]
    [InlineData(1L, " \n")]
    public async Task CommentOnIssueAsync_InvalidIssueOrEmptyText_IsRefusedBeforeAnyCall(long issue, string text)
    {
        await Should.ThrowAsync<ArgumentException>(() => Forge().CommentOnIssueAsync(_server.RepositoryAddress(Project), issue, text));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentOnIssueAsync_ConnectionDropped_IsNotSentTwice()
    {
        _server.AddIssue(Project, 42);
        _server.Fail(c => c.Path.EndsWith("/notes", StringComparison.Ordinal), ForgeFault.Dropped());

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentOnIssueAsync(_server.RepositoryAddress(Project), 42, "hi"));

        error.Status.ShouldBeNull();
        error.Transient.ShouldBeTrue();
        error.Message.ShouldContain("not sent again");
        Calls("POST", "/notes").Count.ShouldBe(1);
    }

    [Fact]
    public async Task OpenAsync_TokenRejected_ThrowsNamingTheApiScopeAndNeverTheToken()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge(token: "glpat-WrongTokenValue99").OpenAsync(Draft()));

        error.Status.ShouldBe(401);
        error.Message.ShouldContain("not accepted");
        error.Message.ShouldContain("'api' scope");
        error.Message.ShouldNotContain("glpat-WrongTokenValue99");
        TokenNeverShown(error);
        _server.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task OpenAsync_TokenWithReadApiOnly_ThrowsNamingTheMissingApiScope()
    {
        _server.Scopes.Clear();
        _server.Scopes.Add("read_api");

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("insufficient_scope");
        error.Message.ShouldContain("'api' scope");
        error.Message.ShouldContain("Developer");
        TokenNeverShown(error);
    }

    [Fact]
    public async Task OpenAsync_UnknownProject_ThrowsNamingTheProject()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(project: "acme/nope")));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("no project 'acme/nope'");
        error.Message.ShouldContain("404 Project Not Found");
    }

    [Fact]
    public async Task OpenAsync_UnknownBaseBranch_ThrowsWithGitLabsReason()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft() with { BaseBranch = "develop" }));

        error.Status.ShouldBe(422);
        error.Message.ShouldContain("Target branch \"develop\" does not exist");
        error.Message.ShouldContain("check that both branches exist");
    }

    [Fact]
    public async Task OpenAsync_RateLimitedWithRetryAfter_WaitsAsAskedThenOpens()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.RateLimited("7"));

        var opened = await Forge().OpenAsync(Draft());

        opened.Reference.ShouldEndWith("/merge_requests/1");
        _clock.Delays.ShouldBe([TimeSpan.FromSeconds(7)]);
        Calls("POST", "/merge_requests").Count.ShouldBe(2);
        _log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("HTTP 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAsync_RateLimitResetAsUnixTime_WaitsUntilThen()
    {
        var reset = _clock.GetUtcNow().AddSeconds(12).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _server.Fail(c => c.Method == "GET", ForgeFault.Error(429, "Retry later").WithHeader("RateLimit-Reset", reset).WithHeader("RateLimit-Remaining", "0"));

        await Forge().OpenAsync(Draft());

        _clock.Delays.ShouldBe([TimeSpan.FromSeconds(12)]);
    }

    [Fact]
    public async Task OpenAsync_RetryAfterLongerThanNightshiftWaits_FailsAtOnceSayingHowLong()
    {
        _server.Fail(c => c.Method == "GET", ForgeFault.RateLimited("3600"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(429);
        error.RetryAfter.ShouldBe(TimeSpan.FromHours(1));
        error.Transient.ShouldBeTrue();
        error.Message.ShouldContain("rate limiting");
        error.Message.ShouldContain("60 min");
        _clock.Delays.ShouldBeEmpty();
        _server.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task OpenAsync_ServerErrorOnce_IsRetriedWithBackoff()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Error(500, "500 Internal Server Error"));

        await Forge().OpenAsync(Draft());

        _server.MergeRequests.ShouldHaveSingleItem();
        _clock.Delays.Count.ShouldBe(1);
        _clock.Delays[0].ShouldBeInRange(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task OpenAsync_ServerErrorThatPersists_ThrowsATransientErrorAfterFourAttempts()
    {
        _server.Fail(c => c.Method == "GET", ForgeFault.Error(503, "Service Unavailable"), times: 10);

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(503);
        error.Transient.ShouldBeTrue();
        error.Message.ShouldContain("4 attempts");
        error.Message.ShouldContain("publish again later");
        _server.Calls.Count.ShouldBe(4);
    }

    [Fact]
    public async Task OpenAsync_ConnectionDroppedOnce_IsRetriedAndOpens()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Dropped());

        await Forge().OpenAsync(Draft());

        _server.MergeRequests.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_NothingListening_ThrowsNamingTheApiAddress()
    {
        var address = _server.ApiUri;
        await _server.DisposeAsync();

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBeNull();
        error.Transient.ShouldBeTrue();
        error.Message.ShouldContain("could not reach GitLab");
        error.Message.ShouldContain(address.AbsoluteUri.TrimEnd('/'));
        _server = await FakeGitLabServer.StartAsync();
    }

    [Fact]
    public async Task OpenAsync_HugeErrorBody_GivesABoundedMessage()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Raw(400, "{\"message\":\"" + new string('e', 5_000_000) + "\"}", "application/json"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Status.ShouldBe(400);
        error.Message.Length.ShouldBeLessThan(1_000);
    }

    [Fact]
    public async Task OpenAsync_EndpointAnswersHtml_ThrowsSayingTheApiAddressIsWrong()
    {
        _server.Fail(_ => true, ForgeFault.Raw(200, "<!DOCTYPE html><html><body>Sign in</body></html>", "text/html"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("HTML page");
        error.Message.ShouldContain("API address");
    }

    [Fact]
    public async Task OpenAsync_ErrorPageInHtml_IsNamedNotQuoted()
    {
        _server.Fail(_ => true, ForgeFault.Raw(404, "<html><script>alert(1)</script></html>", "text/html"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("an HTML page instead of a JSON answer");
        error.Message.ShouldNotContain("<script>");
    }

    [Fact]
    public async Task OpenAsync_ForgeEchoesTheTokenInItsError_TheMessageHidesIt()
    {
        _server.Fail(_ => true, ForgeFault.Error(400, $"bad token {_server.Token} given"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("bad token *** given");
        TokenNeverShown(error);
    }

    [Fact]
    public async Task OpenAsync_AnswerWithoutWebUrl_ThrowsNamingTheMissingField()
    {
        _server.Fail(c => c.Method == "POST", ForgeFault.Raw(201, "{\"iid\":1,\"web_url\":\"javascript:alert(1)\"}", "application/json"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("without its web_url");
    }

    [Fact]
    public async Task OpenAsync_AnswerThatIsNotJson_Throws()
    {
        _server.Fail(_ => true, ForgeFault.Raw(200, "{not json", "application/json"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("not JSON");
    }

    [Fact]
    public async Task OpenAsync_AnswerLargerThanTheBound_IsRefused()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat("\"" + new string('m', 1000) + "\"", 9_000)) + "]";
        _server.Fail(_ => true, ForgeFault.Raw(200, huge, "application/json"));

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft()));

        error.Message.ShouldContain("more than 8 MiB");
    }

    [Theory]
    [InlineData("https://github.com/acme/calc.git", "not on")]
    [InlineData("/srv/repos/calc", "not a repository address")]
    [InlineData("", "no repository address")]
    [InlineData("HOST/justone", "does not name a project")]
    [InlineData("HOST/acme/../calc", "does not name a project")]
    public async Task OpenAsync_RepositoryNotAProjectOnThisGitLab_IsRefusedBeforeAnyCall(string repo, string expected)
    {
        var address = repo.Replace("HOST", $"http://{_server.Host}", StringComparison.Ordinal);

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft() with { Repo = address }));

        error.Message.ShouldContain(expected);
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_BranchWithControlCharacters_IsRefusedBeforeAnyCall()
    {
        await Should.ThrowAsync<ForgeException>(() => Forge().OpenAsync(Draft(branch: "bad\nbranch")));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CheckAsync_TokenWithApiScope_IsOkAndNamesTheUser()
    {
        var check = await Forge().CheckAsync();

        check.Ok.ShouldBeTrue();
        check.User.ShouldBe("nightshift-bot");
        check.Scopes.ShouldBe(["api"]);
        check.Forge.ShouldBe("Forges:gitlab");
        Calls("GET", "/personal_access_tokens/self").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task CheckAsync_TokenWithoutApiScope_IsNotOkAndNamesTheScope()
    {
        _server.Scopes.Clear();
        _server.Scopes.AddRange(["read_api", "write_repository"]);

        var check = await Forge().CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("not 'api'");
        check.Message.ShouldContain("read_api, write_repository");
    }

    [Fact]
    public async Task CheckAsync_ScopesHidden_IsOkWithTheUserAndSaysApiIsNeeded()
    {
        _server.ShowsTokenScopes = false;

        var check = await Forge().CheckAsync();

        check.Ok.ShouldBeTrue();
        check.User.ShouldBe("nightshift-bot");
        check.Scopes.ShouldBeNull();
        check.Message.ShouldContain("it needs 'api'");
    }

    [Fact]
    public async Task CheckAsync_TokenRejected_IsNotOkWithoutThrowing()
    {
        var check = await Forge(token: "glpat-Wrong").CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Message.ShouldContain("HTTP 401");
        check.Message.ShouldNotContain("glpat-Wrong");
    }

    [Fact]
    public async Task OpenAsync_Cancelled_ThrowsCancellationNotAForgeError()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => Forge().OpenAsync(Draft(), cancelled.Token));

        _clock.Delays.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ftp://gitlab.example.com/api/v4")]
    [InlineData("file:///etc/passwd")]
    public void Constructor_ApiAddressNotHttp_ThrowsNamingTheForge(string api)
    {
        var endpoint = new ForgeEndpoint("Forges:gitlab", ForgeKind.GitLab, "gitlab.example.com", new Uri(api), new StaticForgeToken("t"), [], []);

        Should.Throw<ForgeException>(() => new GitLabForge(endpoint, _http, _clock, _log)).Message.ShouldContain("Forges:gitlab");
    }

    [Fact]
    public async Task EveryCall_TheToken_TravelsOnlyInTheAuthorizationHeader()
    {
        _server.AddIssue(Project, 42);
        _server.AddUser("alice");
        var forge = Forge(labels: ["bot"], reviewers: ["alice"]);

        var opened = await forge.OpenAsync(Draft(draft: true));
        var updated = await forge.OpenAsync(Draft());
        await forge.CommentOnIssueAsync(_server.RepositoryAddress(Project), 42, "done");
        await forge.CheckAsync();

        _server.Calls.Count.ShouldBeGreaterThan(5);
        foreach (var call in _server.Calls)
        {
            call.Body.ShouldNotContain(_server.Token);
            call.Path.ShouldNotContain(_server.Token);
            call.Query.ShouldNotContain(_server.Token);
            call.Headers.Where(h => h.Value.Contains(_server.Token, StringComparison.Ordinal)).Select(h => h.Key).ShouldBe(["PRIVATE-TOKEN"]);
        }
        opened.ToString().ShouldNotContain(_server.Token);
        updated.ToString().ShouldNotContain(_server.Token);
        _log.Entries.ShouldAllBe(e => !e.Message.Contains(_server.Token));
    }

    [Fact]
    public void PushUsername_Always_IsOauth2()
    {
        GitLabForge.PushUsername().ShouldBe("oauth2");
    }

    [Fact]
    public async Task OpenAsync_ApiServedUnderASubPath_FindsTheProjectBelowIt()
    {
        var endpoint = new ForgeEndpoint("Forges:gitlab", ForgeKind.GitLab, _server.Host, new Uri(_server.BaseUri, "gitlab/api/v4"), new StaticForgeToken(_server.Token), [], []);
        var forge = new GitLabForge(endpoint, _http, _clock, _log);

        // The fake serves only /api/v4, so the call's path shows what was stripped: "gitlab/" from the project path.
        await Should.ThrowAsync<ForgeException>(() => forge.OpenAsync(Draft() with { Repo = new Uri(_server.BaseUri, "gitlab/acme/calc.git").AbsoluteUri }));

        _server.Calls.ShouldHaveSingleItem().Path.ShouldBe("/gitlab/api/v4/projects/acme%2Fcalc/merge_requests");
    }

    [Fact]
    public async Task OpenAsync_RequestBody_IsJsonWithTheDocumentedFieldNames()
    {
        _server.AddUser("alice");

        await Forge(labels: ["bot"], reviewers: ["alice"]).OpenAsync(Draft());

        var body = Calls("POST", "/merge_requests").ShouldHaveSingleItem().Json.ShouldBeOfType<JsonObject>();
        body.Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(["description", "labels", "reviewer_ids", "source_branch", "target_branch", "title"]);
        body["reviewer_ids"].ShouldBeOfType<JsonArray>().Count.ShouldBe(1);
    }
}
