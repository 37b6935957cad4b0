using System.Text;
using Nightshift.Core.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.Gitea;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Time;

namespace Nightshift.Forges.Tests.Gitea;

public sealed class GiteaConversationTests : IAsyncLifetime
{
    private const string Repo = "acme/calc";

    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _http = new();
    private readonly InstantDelayClock _clock = new();
    private readonly ListLogger<GiteaForge> _log = new();
    private FakeGiteaServer _server = null!;
    private ForgeRepository _repository = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeGiteaServer.StartAsync();
        _server.AddRepository(Repo, "main");
        // Pull request #1 first, then issues numbered after it: Gitea numbers both in one sequence.
        _server.AddPulls(Repo, 1);
        _repository = ForgeRepository.TryParse(_server.RepositoryAddress(Repo))!;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private IForgeConversation Forge(string? token = null) =>
        new GiteaForge(new ForgeEndpoint("Forges:codeberg", ForgeKind.Gitea, _server.Host, _server.ApiUri, new StaticForgeToken(token ?? _server.Token), [], []),
            _http, _clock, _log);

    [Theory]
    [InlineData("owner", ForgePermission.Admin)]
    [InlineData("admin", ForgePermission.Admin)]
    [InlineData("write", ForgePermission.Write)]
    [InlineData("read", ForgePermission.Read)]
    [InlineData("none", ForgePermission.None)]
    [InlineData("something-new", ForgePermission.None)]
    public async Task GetPermissionAsync_GiteaPermission_FoldsToForgePermission(string permission, ForgePermission expected)
    {
        _server.SetPermission(Repo, "alice", permission);

        (await Forge().GetPermissionAsync(_repository, "alice")).ShouldBe(expected);

        _server.Calls.ShouldContain(c => c.Path == "/api/v1/repos/acme/calc/collaborators/alice/permission" && c.Headers["Authorization"] == "token " + _server.Token);
    }

    [Fact]
    public async Task GetPermissionAsync_UnknownUser_ReturnsNone()
    {
        (await Forge().GetPermissionAsync(_repository, "stranger")).ShouldBe(ForgePermission.None);
    }

    [Fact]
    public async Task GetPermissionAsync_RefusedWith403_ReturnsNone()
    {
        _server.Scopes.Clear();
        _server.Scopes.Add("read:user");

        (await Forge().GetPermissionAsync(_repository, "alice")).ShouldBe(ForgePermission.None);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../admin")]
    [InlineData("alice bob")]
    [InlineData("alice\nwrite")]
    [InlineData("alice%2Fx")]
    public async Task GetPermissionAsync_NameGiteaCannotHave_ReturnsNoneWithoutACall(string user)
    {
        _server.SetPermission(Repo, user, "admin");

        (await Forge().GetPermissionAsync(_repository, user)).ShouldBe(ForgePermission.None);

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetPermissionAsync_OversizedName_ReturnsNoneWithoutACall()
    {
        (await Forge().GetPermissionAsync(_repository, new string('a', 10_000))).ShouldBe(ForgePermission.None);

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentAsync_OnIssue_PostsItAndReturnsItsIdAndAddress()
    {
        _server.AddIssue(Repo, 2);

        var posted = await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), "Started: see the task page.");

        var comment = _server.ThreadComments.ShouldHaveSingleItem();
        comment.Issue.ShouldBe(2);
        comment.Body.ShouldBe("Started: see the task page.");
        posted.Id.ShouldBe(comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        posted.Url.ShouldBe(new Uri(_server.BaseUri, $"acme/calc/issues/2#issuecomment-{comment.Id}").AbsoluteUri);
    }

    [Fact]
    public async Task CommentAsync_OnPullRequest_UsesTheIssueCommentsRoute()
    {
        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.PullRequest, 1), "Pushed a fix.");

        _server.Calls.ShouldContain(c => c.Method == "POST" && c.Path == "/api/v1/repos/acme/calc/issues/1/comments");
        _server.ThreadComments.ShouldHaveSingleItem().Issue.ShouldBe(1);
    }

    [Fact]
    public async Task CommentAsync_MentionsAndControlCharacters_PingNobodyAndAreDropped()
    {
        _server.AddIssue(Repo, 2);

        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), "cc @alice and @org/team\u0007, mail a@b.c\0 @ nobody");

        var body = _server.ThreadComments.ShouldHaveSingleItem().Body;
        body.ShouldNotContain("@alice");
        body.ShouldNotContain("@org");
        body.ShouldContain("@\u200Dalice");
        body.ShouldContain("@ nobody");
        body.ShouldNotContain('\u0007');
        body.ShouldNotContain('\0');
    }

    [Fact]
    public async Task CommentAsync_OversizedBody_IsClippedWithAMarker()
    {
        _server.AddIssue(Repo, 2);

        await Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), new string('x', 1_500_000));

        var body = _server.ThreadComments.ShouldHaveSingleItem().Body;
        body.Length.ShouldBeLessThanOrEqualTo(1_000_000);
        body.ShouldEndWith(CommentText.CutMarker);
    }

    [Fact]
    public async Task CommentAsync_EmptyBody_ThrowsWithoutACall()
    {
        await Should.ThrowAsync<ArgumentException>(() => Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 1), "  \n"));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentAsync_MissingIssue_ThrowsNamingIt()
    {
        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 99), "hello"));

        thrown.Status.ShouldBe(404);
        thrown.Message.ShouldContain("issue #99");
        thrown.Message.ShouldContain(Repo);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task CommentAsync_NumberNotPositive_ThrowsWithoutACall(long number)
    {
        await Should.ThrowAsync<ForgeException>(() => Forge().CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, number), "hello"));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentAsync_WrongToken_ThrowsWithoutTheToken()
    {
        _server.AddIssue(Repo, 2);
        var wrong = "ffffffffffffffffffffffffffffffffffffffff";

        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge(wrong).CommentAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), "hello"));

        thrown.Status.ShouldBe(401);
        thrown.Message.ShouldNotContain(wrong);
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_KnownComment_PostsOnThePullRequestQuotingIt()
    {
        var review = _server.AddReview(Repo, 1, "bob", "REQUEST_CHANGES", "Two things.", T0);
        var first = _server.AddReviewComment(review, "bob", "Rename this, @carol agrees", "src/calc.py", 12, T0);
        _server.AddReviewComment(review, "bob", "And this.", "src/other.py", 3, T0.AddMinutes(1));

        var posted = await Forge().ReplyToReviewCommentAsync(_repository, 1, first.ToString(System.Globalization.CultureInfo.InvariantCulture), "Renamed it to `add`.");

        var reply = _server.ThreadComments.Last();
        reply.Issue.ShouldBe(1);
        reply.ReviewId.ShouldBeNull();
        reply.Body.ShouldContain("> bob's [review comment](");
        reply.Body.ShouldContain("on `src/calc.py` line 12");
        reply.Body.ShouldContain("> Rename this, @\u200Dcarol agrees");
        reply.Body.ShouldEndWith("\n\nRenamed it to `add`.");
        reply.Body.ShouldNotContain("And this.");
        posted.Id.ShouldBe(reply.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_CommentNotOnThePullRequest_ThrowsWithoutPosting()
    {
        _server.AddReview(Repo, 1, "bob", "COMMENT", "", T0);

        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge().ReplyToReviewCommentAsync(_repository, 1, "424242", "Done."));

        thrown.Message.ShouldContain("no review comment 424242");
        _server.ThreadComments.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("12/../../delete")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999999")]
    public async Task ReplyToReviewCommentAsync_MalformedId_ThrowsWithoutACall(string id)
    {
        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge().ReplyToReviewCommentAsync(_repository, 1, id, "Done."));

        thrown.Message.ShouldContain("not a Gitea review comment id");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReactAsync_OnTheIssue_PutsTheReaction()
    {
        _server.AddIssue(Repo, 2);

        (await Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, ForgeReaction.Eyes)).ShouldBeTrue();

        _server.Reactions.ShouldHaveSingleItem().ShouldBe(new FakeGiteaReaction(Repo, 2, null, "eyes", _server.Login));
    }

    [Fact]
    public async Task ReactAsync_OnAComment_PutsTheReactionOnThatComment()
    {
        _server.AddIssue(Repo, 2);
        var comment = _server.AddComment(Repo, 2, "alice", "/nightshift fix it", T0);

        (await Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), comment.ToString(System.Globalization.CultureInfo.InvariantCulture), ForgeReaction.Rocket)).ShouldBeTrue();

        _server.Reactions.ShouldHaveSingleItem().ShouldBe(new FakeGiteaReaction(Repo, null, comment, "rocket", _server.Login));
        _server.Calls.ShouldContain(c => c.Path == $"/api/v1/repos/acme/calc/issues/comments/{comment}/reactions");
    }

    [Fact]
    public async Task ReactAsync_Twice_LeavesOneReaction()
    {
        _server.AddIssue(Repo, 2);
        var forge = Forge();

        await forge.ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, ForgeReaction.Confused);
        (await forge.ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, ForgeReaction.Confused)).ShouldBeTrue();

        _server.Reactions.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ReactAsync_ReactionTheInstanceDoesNotAllow_ReturnsFalse()
    {
        _server.AddIssue(Repo, 2);
        _server.AllowedReactions.Remove("eyes");

        (await Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, ForgeReaction.Eyes)).ShouldBeFalse();

        _server.Reactions.ShouldBeEmpty();
        _log.Entries.ShouldContain(e => e.Message.Contains("REACTIONS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReactAsync_TokenWithoutIssueScope_ThrowsNamingTheScope()
    {
        _server.AddIssue(Repo, 2);
        _server.Scopes.Remove("write:issue");

        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge().ReactAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, ForgeReaction.Eyes));

        thrown.Status.ShouldBe(403);
        thrown.Message.ShouldContain("write:issue");
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_MixedIssues_ReturnsOpenLabelledOnesSinceNewestFirst()
    {
        _server.AddIssue(Repo, 2, "Old", "b", "alice", ["nightshift"], T0.AddDays(-2));
        _server.AddIssue(Repo, 3, "Labelled", "Fix the sum\n@bob", "alice", ["bug", "nightshift"], T0.AddHours(1));
        _server.AddIssue(Repo, 4, "Other label", "b", "alice", ["bug"], T0.AddHours(2));
        _server.AddIssue(Repo, 5, "Closed", "b", "alice", ["nightshift"], T0.AddHours(3), open: false);
        _server.AddIssue(Repo, 6, "Newest", "b", "carol", ["NightShift"], T0.AddHours(4));

        var issues = await Forge().ListLabelledIssuesAsync(_repository, "nightshift", T0, 10);

        issues.Select(i => i.Number).ShouldBe([6, 3]);
        var labelled = issues[1];
        labelled.Title.ShouldBe("Labelled");
        labelled.Body.ShouldBe("Fix the sum\n@bob");
        labelled.Author.ShouldBe("alice");
        labelled.Labels.ShouldBe(["bug", "nightshift"]);
        labelled.Url.ShouldBe(new Uri(_server.BaseUri, "acme/calc/issues/3").AbsoluteUri);
        labelled.UpdatedAt.ShouldBe(T0.AddHours(1));
        var call = _server.Calls.ShouldHaveSingleItem();
        call.QueryValue("type").ShouldBe("issues");
        call.QueryValue("state").ShouldBe("open");
        call.QueryValue("labels").ShouldBe("nightshift");
        call.QueryValue("since").ShouldBe("2026-03-01T09:00:00Z");
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_MoreThanAPage_ReadsEveryPageAndKeepsMax()
    {
        for (var i = 0; i < 120; i++)
        {
            _server.AddIssue(Repo, 10 + i, $"Issue {i}", "", "alice", ["nightshift"], T0.AddMinutes(i));
        }

        var issues = await Forge().ListLabelledIssuesAsync(_repository, "nightshift", T0, 100);

        issues.Count.ShouldBe(100);
        issues[0].Number.ShouldBe(129);
        _server.Calls.Count.ShouldBe(3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b")]
    [InlineData("bad\nlabel")]
    public async Task ListLabelledIssuesAsync_LabelGiteaCannotFilterOn_ThrowsWithoutACall(string label)
    {
        await Should.ThrowAsync<ForgeException>(() => Forge().ListLabelledIssuesAsync(_repository, label, T0, 10));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListCommentsAsync_Since_ReturnsLaterCommentsOldestFirstWithBots()
    {
        _server.AddIssue(Repo, 2);
        _server.AddComment(Repo, 2, "alice", "before", T0.AddMinutes(-1));
        var later = _server.AddComment(Repo, 2, "gitea-actions", "CI says hi", T0.AddMinutes(5), authorId: -2);
        var early = _server.AddComment(Repo, 2, "bob", "/nightshift add tests", T0.AddMinutes(1));
        _server.AddComment(Repo, 3, "bob", "elsewhere", T0.AddMinutes(2));

        var comments = await Forge().ListCommentsAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), T0, 10);

        comments.Select(c => c.Id).ShouldBe([early.ToString(System.Globalization.CultureInfo.InvariantCulture), later.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        comments[0].Author.ShouldBe("bob");
        comments[0].AuthorIsBot.ShouldBeFalse();
        comments[0].Body.ShouldBe("/nightshift add tests");
        comments[0].CreatedAt.ShouldBe(T0.AddMinutes(1));
        comments[0].Path.ShouldBeNull();
        comments[1].AuthorIsBot.ShouldBeTrue();
    }

    [Fact]
    public async Task ListCommentsAsync_ManyComments_ReadsEveryPageUpToMax()
    {
        _server.AddIssue(Repo, 2);
        for (var i = 0; i < 130; i++)
        {
            _server.AddComment(Repo, 2, "alice", $"c{i}", T0.AddMinutes(i));
        }

        var comments = await Forge().ListCommentsAsync(_repository, new ForgeThread(ForgeThreadKind.Issue, 2), null, 125);

        comments.Count.ShouldBe(125);
        comments[0].Body.ShouldBe("c0");
        comments[^1].Body.ShouldBe("c124");
    }

    [Fact]
    public async Task ListReviewCommentsAsync_AllReviews_ReturnsEachCommentWithPathAndLine()
    {
        var first = _server.AddReview(Repo, 1, "bob", "REQUEST_CHANGES", "", T0);
        _server.AddReviewComment(first, "bob", "Use a constant", "src/calc.py", 7, T0.AddMinutes(2));
        var second = _server.AddReview(Repo, 1, "carol", "COMMENT", "", T0.AddMinutes(1));
        _server.AddReviewComment(second, "carol", "Typo", "README.md", 1, T0.AddMinutes(1));
        _server.AddReview(Repo, 1, "dave", "PENDING", "", T0);

        var comments = await Forge().ListReviewCommentsAsync(_repository, 1, null, 10);

        comments.Select(c => (c.Author, c.Body, c.Path, c.Line)).ShouldBe([("carol", "Typo", "README.md", (int?)1), ("bob", "Use a constant", "src/calc.py", (int?)7)]);
        comments.ShouldAllBe(c => c.Url != null && c.Url.Contains("/pulls/1/files#issuecomment-"));
    }

    [Fact]
    public async Task ListReviewCommentsAsync_OneReview_ReadsOnlyThatReview()
    {
        var first = _server.AddReview(Repo, 1, "bob", "REQUEST_CHANGES", "", T0);
        _server.AddReviewComment(first, "bob", "Use a constant", "src/calc.py", 7, T0);
        var second = _server.AddReview(Repo, 1, "carol", "COMMENT", "", T0);
        _server.AddReviewComment(second, "carol", "Typo", "README.md", 1, T0);

        var comments = await Forge().ListReviewCommentsAsync(_repository, 1, second.ToString(System.Globalization.CultureInfo.InvariantCulture), 10);

        comments.ShouldHaveSingleItem().Body.ShouldBe("Typo");
        _server.Calls.ShouldNotContain(c => c.Path.EndsWith("/reviews", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListReviewCommentsAsync_MissingPullRequest_ThrowsNotFound()
    {
        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge().ListReviewCommentsAsync(_repository, 77, null, 10));

        thrown.Status.ShouldBe(404);
    }

    [Fact]
    public async Task GetCheckLogAsync_JobWithALongLog_ReturnsItsTail()
    {
        var log = string.Concat(Enumerable.Range(0, 2_000).Select(i => $"line {i}\n")) + "FAILED: test_add expected 3 got 4\n";
        _server.SetJobLog(Repo, 31, log);

        var tail = await Forge().GetCheckLogAsync(_repository, "31", 100);

        tail.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(tail).ShouldBeLessThanOrEqualTo(100);
        tail.ShouldEndWith("FAILED: test_add expected 3 got 4\n");
        log.ShouldEndWith(tail);
        _server.Calls.ShouldHaveSingleItem().Path.ShouldBe("/api/v1/repos/acme/calc/actions/jobs/31/logs");
    }

    [Fact]
    public async Task GetCheckLogAsync_CutInsideACharacter_StartsAtTheNextWholeOne()
    {
        _server.SetJobLog(Repo, 31, "ééééé");

        var tail = await Forge().GetCheckLogAsync(_repository, "31", 5);

        tail.ShouldBe("éé");
    }

    [Fact]
    public async Task GetCheckLogAsync_ShortLog_ReturnsAllOfIt()
    {
        _server.SetJobLog(Repo, 31, "boom\n");

        (await Forge().GetCheckLogAsync(_repository, "31", 10_000)).ShouldBe("boom\n");
    }

    [Fact]
    public async Task GetCheckLogAsync_NoSuchJob_ReturnsNull()
    {
        (await Forge().GetCheckLogAsync(_repository, "404", 1_000)).ShouldBeNull();
    }

    [Theory]
    [InlineData("ci/woodpecker")]
    [InlineData("https://ci.example/build/5")]
    [InlineData("../../admin")]
    [InlineData("")]
    public async Task GetCheckLogAsync_NotAnActionsJob_ReturnsNullWithoutACall(string checkId)
    {
        (await Forge().GetCheckLogAsync(_repository, checkId, 1_000)).ShouldBeNull();

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetCheckLogAsync_WrongToken_ThrowsWithoutTheToken()
    {
        _server.SetJobLog(Repo, 31, "boom");
        var wrong = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

        var thrown = await Should.ThrowAsync<ForgeException>(() => Forge(wrong).GetCheckLogAsync(_repository, "31", 1_000));

        thrown.Status.ShouldBe(401);
        thrown.Message.ShouldNotContain(wrong);
    }

    [Fact]
    public async Task Conversation_ResolvedForAGiteaRepository_IsTheGiteaClient()
    {
        var forge = Forge();

        forge.ShouldBeOfType<GiteaForge>();
        new ForgeTarget((GiteaForge)forge, null, _repository).Conversation.ShouldBeSameAs(forge);
    }
}
