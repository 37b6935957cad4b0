using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.GitHub;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;

namespace Nightshift.Forges.Tests.GitHub;

public sealed class GitHubConversationTests : IAsyncLifetime
{
    private const string Token = "fake-conversation-token";
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SocketsHttpHandler _handler = new() { AllowAutoRedirect = false };
    private FakeGitHubServer _github = null!;
    private ForgeRepository _repository = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository("acme", "calc");
        _repository = new ForgeRepository(_github.Host, "acme", "calc");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _handler.Dispose();
    }

    private GitHubForge Forge(string token = Token) =>
        new(new ForgeEndpoint("github", ForgeKind.GitHub, _github.Host, _github.ApiUrl, new StaticForgeToken(token), [], []),
            _handler, TimeProvider.System, NullLogger.Instance)
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryWait = TimeSpan.FromSeconds(5),
        };

    [Theory]
    [InlineData("admin", null, ForgePermission.Admin)]
    [InlineData("write", "maintain", ForgePermission.Write)]
    [InlineData("write", null, ForgePermission.Write)]
    [InlineData("read", "triage", ForgePermission.Read)]
    [InlineData("read", null, ForgePermission.Read)]
    [InlineData("none", null, ForgePermission.None)]
    [InlineData("something-new", "maintain", ForgePermission.Write)]
    [InlineData("something-new", "custom-role", ForgePermission.None)]
    public async Task GetPermissionAsync_GitHubPermission_FoldsToForgePermission(string permission, string? role, ForgePermission expected)
    {
        _github.SetPermission("acme", "calc", "alice", permission, role);

        var folded = await Forge().GetPermissionAsync(_repository, "alice", TestDefaults.TimeoutToken());

        folded.ShouldBe(expected);
        var call = _github.Calls.ShouldHaveSingleItem();
        call.Path.ShouldBe("/repos/acme/calc/collaborators/alice/permission");
        call.Authorization.ShouldBe($"Bearer {Token}");
    }

    [Fact]
    public async Task GetPermissionAsync_UnknownUser_NoneNotAnError()
    {
        var folded = await Forge().GetPermissionAsync(_repository, "stranger", TestDefaults.TimeoutToken());

        folded.ShouldBe(ForgePermission.None);
        _github.Calls.ShouldHaveSingleItem().Status.ShouldBe(404);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("dependabot[bot]")]
    [InlineData("../admin")]
    [InlineData("alice/../../orgs")]
    [InlineData("al ice")]
    [InlineData("-alice")]
    [InlineData("alice-")]
    [InlineData("al--ice")]
    [InlineData("alice\n")]
    [InlineData("alice%2Fbob")]
    [InlineData("ålice")]
    [InlineData("a1234567890123456789012345678901234567890")]
    public async Task GetPermissionAsync_NotAGitHubLogin_NoneWithoutACall(string user)
    {
        _github.SetPermission("acme", "calc", user, "admin");

        var folded = await Forge().GetPermissionAsync(_repository, user, TestDefaults.TimeoutToken());

        folded.ShouldBe(ForgePermission.None);
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetPermissionAsync_ServerErrorOnce_RetriedLikeThePullRequestPath()
    {
        _github.SetPermission("acme", "calc", "alice", "write");
        _github.Script(new FakeGitHubFailure("GET", "/repos/acme/calc/collaborators/", 503));

        var folded = await Forge().GetPermissionAsync(_repository, "alice", TestDefaults.TimeoutToken());

        folded.ShouldBe(ForgePermission.Write);
        _github.Calls.Select(c => c.Status).ShouldBe([503, 200]);
    }

    [Fact]
    public async Task GetPermissionAsync_RateLimitedOnce_WaitsAndRetries()
    {
        _github.SetPermission("acme", "calc", "alice", "admin");
        _github.Script(new FakeGitHubFailure("GET", "/repos/acme/calc/collaborators/", 403, "API rate limit exceeded")
        {
            Headers = new Dictionary<string, string> { ["X-RateLimit-Remaining"] = "0", ["Retry-After"] = "0" },
        });

        var folded = await Forge().GetPermissionAsync(_repository, "alice", TestDefaults.TimeoutToken());

        folded.ShouldBe(ForgePermission.Admin);
        _github.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetPermissionAsync_WrongToken_Fails401WithoutTheToken()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge("fake-wrong-token").GetPermissionAsync(_repository, "alice", TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(401);
        error.Message.ShouldContain("Forges:github:Token");
        error.Message.ShouldNotContain("WRONGCONVERSATION");
        error.ToString().ShouldNotContain("WRONGCONVERSATION");
    }

    [Fact]
    public async Task CommentAsync_Issue_PostsTheSanitizedBodyAndAnswersItsIdAndUrl()
    {
        var issue = _github.AddIssue("acme", "calc", "Add is wrong");

        var posted = await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number),
            "Started: thanks @alice and @acme/team, mail me at a@b.example\0", TestDefaults.TimeoutToken());

        var comment = _github.Comments.ShouldHaveSingleItem();
        comment.Body.ShouldBe("Started: thanks @\u200Dalice and @\u200Dacme/team, mail me at a@b.example");
        comment.Number.ShouldBe(issue.Number);
        comment.Author.ShouldBe(_github.Login);
        posted.Id.ShouldBe(comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        posted.Url.ShouldNotBeNull().ShouldEndWith($"#issuecomment-{comment.Id}");
        _github.Calls.ShouldHaveSingleItem().Path.ShouldBe($"/repos/acme/calc/issues/{issue.Number}/comments");
    }

    [Fact]
    public async Task CommentAsync_PullRequest_GoesThroughTheIssuesCommentsApi()
    {
        await Forge().OpenAsync(new PullRequestDraft("01JTASK", $"http://{_github.Host}/acme/calc.git", "nightshift/x", "main", "Fix", "body", "", false), TestDefaults.TimeoutToken());
        var pull = _github.Pulls.ShouldHaveSingleItem();

        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.PullRequest, pull.Number), "Done.", TestDefaults.TimeoutToken());

        _github.Comments.ShouldHaveSingleItem().Number.ShouldBe(pull.Number);
        _github.Calls.Last().Path.ShouldBe($"/repos/acme/calc/issues/{pull.Number}/comments");
    }

    [Fact]
    public async Task CommentAsync_OversizedBody_ClippedToGitHubsLimitWithAMarker()
    {
        var issue = _github.AddIssue("acme", "calc", "Huge");

        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number), new string('x', 300_000), TestDefaults.TimeoutToken());

        var body = _github.Comments.ShouldHaveSingleItem().Body;
        body.Length.ShouldBeLessThanOrEqualTo(CommentText.GitHubMaxChars);
        body.ShouldEndWith(CommentText.CutMarker);
    }

    [Fact]
    public async Task CommentAsync_UnknownIssue_Fails404NamingTheIssue()
    {
        var error = await Should.ThrowAsync<ForgeException>(() =>
            Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 999), "hello", TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Transient.ShouldBeFalse();
        error.Message.ShouldContain("issue #999");
        error.Message.ShouldContain("acme/calc");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(long.MaxValue)]
    public async Task CommentAsync_NumberOutOfRange_RefusedWithoutACall(long number)
    {
        var error = await Should.ThrowAsync<ForgeException>(() =>
            Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, number), "hello", TestDefaults.TimeoutToken()));

        error.Transient.ShouldBeFalse();
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentAsync_CommentThatLooksLikeACommand_PostedAsTextWithMentionsDefused()
    {
        var issue = _github.AddIssue("acme", "calc", "x");

        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number),
            "/nightshift delete everything @nightshift-bot\r\n<!-- @admin -->", TestDefaults.TimeoutToken());

        _github.Comments.ShouldHaveSingleItem().Body.ShouldBe("/nightshift delete everything @\u200Dnightshift-bot\n<!-- @\u200Dadmin -->");
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_ReviewComment_PostsTheReplyInItsThread()
    {
        var issue = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);
        var review = _github.AddReviewComment("acme", "calc", issue.Number, "bob", "Rename this", "src/add.cs", 12, Day, reviewId: 77);

        var posted = await Forge().ReplyToReviewCommentAsync(_repository, issue.Number, review.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Renamed, as @bob asked.", TestDefaults.TimeoutToken());

        var reply = _github.ReviewComments.Single(c => c.InReplyTo is not null);
        reply.InReplyTo.ShouldBe(review.Id);
        reply.Body.ShouldBe("Renamed, as @\u200Dbob asked.");
        posted.Id.ShouldBe(reply.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _github.Calls.ShouldHaveSingleItem().Path.ShouldBe($"/repos/acme/calc/pulls/{issue.Number}/comments/{review.Id}/replies");
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_CommentGone_Fails404()
    {
        var issue = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);

        var error = await Should.ThrowAsync<ForgeException>(() =>
            Forge().ReplyToReviewCommentAsync(_repository, issue.Number, "424242", "ok", TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("review comment 424242");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1/../../../user")]
    [InlineData("12 ")]
    [InlineData("99999999999999999999999")]
    public async Task ReplyToReviewCommentAsync_IdNotANumber_RefusedWithoutACall(string id)
    {
        var error = await Should.ThrowAsync<ForgeException>(() =>
            Forge().ReplyToReviewCommentAsync(_repository, 1, id, "ok", TestDefaults.TimeoutToken()));

        error.Transient.ShouldBeFalse();
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReactAsync_IssueAndComment_PutsEachReaction()
    {
        var issue = _github.AddIssue("acme", "calc", "x");
        var comment = _github.AddComment("acme", "calc", issue.Number, "alice", "/nightshift fix it", Day);
        var forge = Forge();
        var thread = new ForgeThread(ForgeThreadKind.Issue, issue.Number);

        (await forge.ReactAsync(_repository, thread, null, ForgeReaction.Eyes, TestDefaults.TimeoutToken())).ShouldBeTrue();
        (await forge.ReactAsync(_repository, thread, comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ForgeReaction.Rocket, TestDefaults.TimeoutToken())).ShouldBeTrue();
        (await forge.ReactAsync(_repository, thread, null, ForgeReaction.Confused, TestDefaults.TimeoutToken())).ShouldBeTrue();

        _github.Reactions.ShouldBe(
        [
            new FakeGitHubReaction("acme/calc", "issue", issue.Number, "eyes"),
            new FakeGitHubReaction("acme/calc", "comment", comment.Id, "rocket"),
            new FakeGitHubReaction("acme/calc", "issue", issue.Number, "confused"),
        ]);
    }

    [Theory]
    [InlineData("review-77")]
    [InlineData("note:5")]
    [InlineData("")]
    [InlineData("-3")]
    public async Task ReactAsync_CommentIdGitHubCannotReactTo_FalseWithoutACall(string commentId)
    {
        var issue = _github.AddIssue("acme", "calc", "x");

        var reacted = await Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number), commentId, ForgeReaction.Eyes, TestDefaults.TimeoutToken());

        reacted.ShouldBeFalse();
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReactAsync_CommentDeleted_FalseNotAnError()
    {
        var issue = _github.AddIssue("acme", "calc", "x");

        var reacted = await Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number), "123456", ForgeReaction.Eyes, TestDefaults.TimeoutToken());

        reacted.ShouldBeFalse();
        _github.Reactions.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_IssuesPullRequestsAndOtherLabels_OnlyOpenLabelledIssuesSinceNewestFirst()
    {
        var older = _github.AddIssue("acme", "calc", "Older", "body 1", ["nightshift"], Day.AddHours(1), author: "alice");
        var newer = _github.AddIssue("acme", "calc", "Newer", "body 2", ["bug", "nightshift"], Day.AddHours(2), author: "bob");
        _github.AddIssue("acme", "calc", "A pull request", labels: ["nightshift"], updatedAt: Day.AddHours(3), isPullRequest: true);
        _github.AddIssue("acme", "calc", "Other label", labels: ["bug"], updatedAt: Day.AddHours(3));
        _github.AddIssue("acme", "calc", "Too old", labels: ["nightshift"], updatedAt: Day.AddHours(-1));
        _github.AddIssue("acme", "calc", "Closed", labels: ["nightshift"], updatedAt: Day.AddHours(3)).State = "closed";

        var issues = await Forge().ListLabelledIssuesAsync(_repository, "nightshift", Day, 10, TestDefaults.TimeoutToken());

        issues.Select(i => i.Number).ShouldBe([newer.Number, older.Number]);
        var first = issues[0];
        first.Title.ShouldBe("Newer");
        first.Body.ShouldBe("body 2");
        first.Author.ShouldBe("bob");
        first.Labels.ShouldBe(["bug", "nightshift"]);
        first.UpdatedAt.ShouldBe(Day.AddHours(2));
        first.Url.ShouldEndWith($"acme/calc/issues/{newer.Number}");
        var query = _github.Calls.ShouldHaveSingleItem().Query;
        query.ShouldContain("labels=nightshift");
        query.ShouldContain("state=open");
        query.ShouldContain("since=2026-03-01T12%3A00%3A00Z");
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_PullRequestsFillTheFirstPages_PagesOnUntilMaxIssues()
    {
        for (var i = 0; i < 20; i++)
        {
            _github.AddIssue("acme", "calc", $"PR {i}", labels: ["nightshift"], updatedAt: Day.AddHours(10 + i), isPullRequest: true);
        }
        for (var i = 0; i < 8; i++)
        {
            _github.AddIssue("acme", "calc", $"Issue {i}", labels: ["nightshift"], updatedAt: Day.AddHours(1 + i));
        }

        var issues = await Forge().ListLabelledIssuesAsync(_repository, "nightshift", Day, 5, TestDefaults.TimeoutToken());

        issues.Select(i => i.Title).ShouldBe(["Issue 7", "Issue 6", "Issue 5", "Issue 4", "Issue 3"]);
        _github.Calls.Count.ShouldBe(5);
        _github.Calls.ShouldAllBe(c => c.Query.Contains("per_page=5"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("nightshift,bug")]
    [InlineData("night\nshift")]
    public async Task ListLabelledIssuesAsync_LabelGitHubCannotFilterOn_RefusedWithoutACall(string label)
    {
        await Should.ThrowAsync<ArgumentException>(() => Forge().ListLabelledIssuesAsync(_repository, label, Day, 10, TestDefaults.TimeoutToken()));

        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_HugeTitleAndBody_Clipped()
    {
        _github.AddIssue("acme", "calc", new string('t', 5_000), new string('b', 200_000), ["nightshift"], Day.AddHours(1));

        var issue = (await Forge().ListLabelledIssuesAsync(_repository, "nightshift", Day, 10, TestDefaults.TimeoutToken())).ShouldHaveSingleItem();

        issue.Title.Length.ShouldBeLessThanOrEqualTo(1_000);
        issue.Body.Length.ShouldBeLessThanOrEqualTo(CommentText.GitHubMaxChars);
    }

    [Fact]
    public async Task ListCommentsAsync_MoreThanOnePage_PagesUpToMaxOldestFirst()
    {
        var issue = _github.AddIssue("acme", "calc", "Busy");
        for (var i = 0; i < 250; i++)
        {
            _github.AddComment("acme", "calc", issue.Number, "alice", $"comment {i}", Day.AddMinutes(i));
        }

        var comments = await Forge().ListCommentsAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number), null, 230, TestDefaults.TimeoutToken());

        comments.Count.ShouldBe(230);
        comments[0].Body.ShouldBe("comment 0");
        comments[^1].Body.ShouldBe("comment 229");
        comments.ShouldBe(comments.OrderBy(c => c.CreatedAt).ToList());
        _github.Calls.Select(c => c.Query).ShouldAllBe(q => q.Contains("per_page=100"));
        _github.Calls.Select(c => c.Query[(c.Query.IndexOf("&page=", StringComparison.Ordinal) + 6)..]).ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public async Task ListCommentsAsync_Since_OnlyLaterCommentsWithAuthorsAndBots()
    {
        var issue = _github.AddIssue("acme", "calc", "x");
        _github.AddComment("acme", "calc", issue.Number, "alice", "before", Day.AddMinutes(-1));
        var human = _github.AddComment("acme", "calc", issue.Number, "alice", "/nightshift please", Day);
        _github.AddComment("acme", "calc", issue.Number, "ci-bot[bot]", "build green", Day.AddMinutes(1), isBot: true);
        _github.AddComment("acme", "calc", 4242, "alice", "other thread", Day.AddMinutes(2));

        var comments = await Forge().ListCommentsAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, issue.Number), Day, 10, TestDefaults.TimeoutToken());

        comments.Select(c => (c.Body, c.Author, c.AuthorIsBot)).ShouldBe([("/nightshift please", "alice", false), ("build green", "ci-bot[bot]", true)]);
        comments[0].Id.ShouldBe(human.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        comments[0].CreatedAt.ShouldBe(Day);
        comments[0].Path.ShouldBeNull();
    }

    [Fact]
    public async Task ListCommentsAsync_UnknownThread_Fails404()
    {
        var error = await Should.ThrowAsync<ForgeException>(() =>
            Forge().ListCommentsAsync(_repository, new ForgeThread(ForgeThreadKind.PullRequest, 77), null, 10, TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("pull request #77");
    }

    [Fact]
    public async Task ListReviewCommentsAsync_AllOrOneReview_WithPathAndLine()
    {
        var pull = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);
        _github.AddReviewComment("acme", "calc", pull.Number, "bob", "first review", "src/a.cs", 3, Day, reviewId: 10);
        _github.AddReviewComment("acme", "calc", pull.Number, "bob", "second review", "src/b.cs", null, Day.AddMinutes(5), reviewId: 11);
        _github.AddReviewComment("acme", "calc", pull.Number, "carol", "second review too", "src/c.cs", 40, Day.AddMinutes(6), reviewId: 11);
        var forge = Forge();

        var all = await forge.ListReviewCommentsAsync(_repository, pull.Number, null, 50, TestDefaults.TimeoutToken());
        var one = await forge.ListReviewCommentsAsync(_repository, pull.Number, "11", 50, TestDefaults.TimeoutToken());

        all.Select(c => c.Body).ShouldBe(["first review", "second review", "second review too"]);
        all[0].Path.ShouldBe("src/a.cs");
        all[0].Line.ShouldBe(3);
        all[1].Line.ShouldBeNull();
        one.Select(c => (c.Author, c.Path, c.Line)).ShouldBe([("bob", "src/b.cs", (int?)null), ("carol", "src/c.cs", (int?)40)]);
        _github.Calls.Select(c => c.Path).ShouldBe([$"/repos/acme/calc/pulls/{pull.Number}/comments", $"/repos/acme/calc/pulls/{pull.Number}/reviews/11/comments"]);
    }

    [Fact]
    public async Task ListReviewCommentsAsync_MaxSmallerThanTheComments_StopsAtMax()
    {
        var pull = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);
        for (var i = 0; i < 12; i++)
        {
            _github.AddReviewComment("acme", "calc", pull.Number, "bob", $"c{i}", "a.cs", i + 1, Day.AddMinutes(i));
        }

        var comments = await Forge().ListReviewCommentsAsync(_repository, pull.Number, null, 5, TestDefaults.TimeoutToken());

        comments.Select(c => c.Body).ShouldBe(["c0", "c1", "c2", "c3", "c4"]);
        _github.Calls.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("review")]
    [InlineData("11/../../../issues")]
    [InlineData("")]
    public async Task ListReviewCommentsAsync_ReviewIdNotANumber_RefusedWithoutACall(string reviewId)
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ListReviewCommentsAsync(_repository, 1, reviewId, 10, TestDefaults.TimeoutToken()));

        error.Transient.ShouldBeFalse();
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListReviewCommentsAsync_UnknownReview_Fails404()
    {
        var pull = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ListReviewCommentsAsync(_repository, pull.Number, "999", 10, TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("review 999");
    }

    [Fact]
    public async Task GetCheckLogAsync_RedirectToTheLogHost_FollowedOnceWithoutTheToken()
    {
        _github.SetJobLog("acme", "calc", 31337, "##[group]Run tests\nFAILED AddTests.Add_TwoNumbers\n");

        var log = await Forge().GetCheckLogAsync(_repository, "31337", 10_000, TestDefaults.TimeoutToken());

        log.ShouldBe("##[group]Run tests\nFAILED AddTests.Add_TwoNumbers\n");
        var api = _github.Calls.ShouldHaveSingleItem();
        api.Path.ShouldBe("/repos/acme/calc/actions/jobs/31337/logs");
        api.Authorization.ShouldBe($"Bearer {Token}");
        api.Status.ShouldBe(302);
        var stored = _github.LogHostCalls.ShouldHaveSingleItem();
        stored.Authorization.ShouldBeNullOrEmpty();
        stored.Query.ShouldContain("sig=");
        _github.LogHostUrl.Port.ShouldNotBe(_github.ApiUrl.Port);
    }

    [Fact]
    public async Task GetCheckLogAsync_HugeLog_KeepsOnlyTheTailFromAWholeLine()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 200_000; i++)
        {
            builder.Append("line ").Append(i).Append(": ünïcödé output\n");
        }
        _github.SetJobLog("acme", "calc", 5, builder.ToString());

        var log = (await Forge().GetCheckLogAsync(_repository, "5", 1_000, TestDefaults.TimeoutToken())).ShouldNotBeNull();

        Encoding.UTF8.GetByteCount(log).ShouldBeLessThanOrEqualTo(1_000);
        log.ShouldEndWith("line 199999: ünïcödé output\n");
        log.ShouldStartWith("line ");
        log.ShouldNotContain("\uFFFD");
    }

    [Fact]
    public async Task GetCheckLogAsync_CutInsideAMultiByteCharacter_NoBrokenCharacter()
    {
        _github.SetJobLog("acme", "calc", 6, new string('€', 1_000));

        var log = (await Forge().GetCheckLogAsync(_repository, "6", 100, TestDefaults.TimeoutToken())).ShouldNotBeNull();

        log.ShouldBe(new string('€', 33));
    }

    [Fact]
    public async Task GetCheckLogAsync_NoSuchJob_Null()
    {
        var log = await Forge().GetCheckLogAsync(_repository, "404404", 1_000, TestDefaults.TimeoutToken());

        log.ShouldBeNull();
        _github.Calls.ShouldHaveSingleItem().Status.ShouldBe(404);
    }

    [Fact]
    public async Task GetCheckLogAsync_LogExpired_Null()
    {
        _github.SetJobLog("acme", "calc", 7, (byte[]?)null);

        var log = await Forge().GetCheckLogAsync(_repository, "7", 1_000, TestDefaults.TimeoutToken());

        log.ShouldBeNull();
        _github.LogHostCalls.ShouldHaveSingleItem().Status.ShouldBe(410);
    }

    [Theory]
    [InlineData("")]
    [InlineData("external-ci")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1/../../secrets")]
    public async Task GetCheckLogAsync_CheckIdNotAnActionsJob_NullWithoutACall(string checkId)
    {
        var log = await Forge().GetCheckLogAsync(_repository, checkId, 1_000, TestDefaults.TimeoutToken());

        log.ShouldBeNull();
        _github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetCheckLogAsync_ServerErrorOnce_RetriedThenRead()
    {
        _github.SetJobLog("acme", "calc", 8, "ok\n");
        _github.Script(new FakeGitHubFailure("GET", "/repos/acme/calc/actions/jobs/8/logs", 502));

        var log = await Forge().GetCheckLogAsync(_repository, "8", 1_000, TestDefaults.TimeoutToken());

        log.ShouldBe("ok\n");
        _github.Calls.Select(c => c.Status).ShouldBe([502, 302]);
    }

    [Fact]
    public async Task GetCheckLogAsync_WrongToken_Fails401WithoutTheToken()
    {
        _github.SetJobLog("acme", "calc", 9, "x");

        var error = await Should.ThrowAsync<ForgeException>(() => Forge("fake-wrong-log-token").GetCheckLogAsync(_repository, "9", 1_000, TestDefaults.TimeoutToken()));

        error.Status.ShouldBe(401);
        error.Message.ShouldNotContain("WRONGLOGTOKEN");
        _github.LogHostCalls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetCheckLogAsync_LogHostUnreachable_FailsWithoutTheSignedAddress()
    {
        _github.SetJobLog("acme", "calc", 10, "x");
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        _github.RedirectOverride = location => new UriBuilder(location) { Port = closedPort }.Uri;
        var forge = Forge();

        var error = await Should.ThrowAsync<ForgeException>(() => forge.GetCheckLogAsync(_repository, "10", 1_000, TestDefaults.TimeoutToken()));

        error.Transient.ShouldBeTrue();
        error.Message.ShouldNotContain("SIGNEDSECRET");
        error.Message.ShouldNotContain("sig=");
    }

    [Fact]
    public async Task GetCheckLogAsync_RedirectWithoutLocation_FailsSayingSo()
    {
        _github.SetJobLog("acme", "calc", 11, "x");
        _github.RedirectOverride = _ => null;

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().GetCheckLogAsync(_repository, "11", 1_000, TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("redirected to no usable address");
        _github.LogHostCalls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListRecentCommentsAsync_CommentsOnIssuesAndPullRequests_EachWithItsThreadOldestFirst()
    {
        var issue = _github.AddIssue("acme", "calc", "Issue");
        var pull = _github.AddIssue("acme", "calc", "PR", isPullRequest: true);
        _github.AddComment("acme", "calc", issue.Number, "alice", "too old", Day.AddMinutes(-5));
        _github.AddComment("acme", "calc", pull.Number, "bob", "/nightshift rename it", Day.AddMinutes(2));
        _github.AddComment("acme", "calc", issue.Number, "alice", "/nightshift fix add", Day.AddMinutes(1));

        var comments = await Forge().ListRecentCommentsAsync(_repository, Day, 10, TestDefaults.TimeoutToken());

        comments.Select(c => (c.Thread, c.Comment.Body)).ShouldBe(
        [
            (new ForgeThread(ForgeThreadKind.Issue, issue.Number), "/nightshift fix add"),
            (new ForgeThread(ForgeThreadKind.PullRequest, pull.Number), "/nightshift rename it"),
        ]);
        comments[0].ThreadUrl.ShouldEndWith($"acme/calc/issues/{issue.Number}");
        comments[1].ThreadUrl.ShouldEndWith($"acme/calc/pull/{pull.Number}");
        var query = _github.Calls.ShouldHaveSingleItem().Query;
        query.ShouldContain("since=2026-03-01T12%3A00%3A00Z");
        query.ShouldContain("direction=asc");
    }

    [Fact]
    public async Task ListRecentCommentsAsync_ServerErrorOnce_Retried()
    {
        var issue = _github.AddIssue("acme", "calc", "Issue");
        _github.AddComment("acme", "calc", issue.Number, "alice", "hi", Day);
        _github.Script(new FakeGitHubFailure("GET", "/repos/acme/calc/issues/comments", 500));

        var comments = await Forge().ListRecentCommentsAsync(_repository, Day, 10, TestDefaults.TimeoutToken());

        comments.ShouldHaveSingleItem().Comment.Body.ShouldBe("hi");
        _github.Calls.Select(c => c.Status).ShouldBe([500, 200]);
    }

    [Fact]
    public void Conversation_GitHubTarget_IsTheGitHubForge()
    {
        var target = new ForgeTarget(Forge(), null, _repository);

        target.Conversation.ShouldBeOfType<GitHubForge>();
    }
}
