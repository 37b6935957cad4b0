using System.Text;
using Nightshift.Core.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.GitLab;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Sandbox;
using Nightshift.TestKit.Time;

namespace Nightshift.Forges.Tests.GitLab;

/// <summary>GitLab's issue side (<see cref="IForgeConversation"/>) against the fake GitLab over real HTTP.</summary>
public sealed class GitLabConversationTests : IAsyncLifetime
{
    private const string Project = "acme/calc";
    private const string ZeroWidthSpace = "\u200B";
    private const string ZeroWidthJoiner = "\u200D";

    private readonly HttpClient _http = new();
    private readonly InstantDelayClock _clock = new();
    private readonly ListLogger<GitLabForge> _log = new();
    private FakeGitLabServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeGitLabServer.StartAsync();
        _server.AddProject(Project, "main", "nightshift/fix");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private IForgeConversation Forge(string? token = null) =>
        new GitLabForge(new ForgeEndpoint("Forges:gitlab", ForgeKind.GitLab, _server.Host, _server.ApiUri, new StaticForgeToken(token ?? _server.Token), [], []),
            _http, _clock, _log);

    private ForgeRepository Repo(string project = Project) => ForgeRepository.TryParse(_server.RepositoryAddress(project))!;

    private static ForgeThread Issue(long number) => new(ForgeThreadKind.Issue, number);

    private static ForgeThread MergeRequest(long number) => new(ForgeThreadKind.PullRequest, number);

    [Theory]
    [InlineData(10, ForgePermission.Read)]
    [InlineData(20, ForgePermission.Read)]
    [InlineData(30, ForgePermission.Write)]
    [InlineData(40, ForgePermission.Write)]
    [InlineData(50, ForgePermission.Admin)]
    [InlineData(5, ForgePermission.None)]
    public async Task GetPermissionAsync_Member_MapsTheAccessLevel(int level, ForgePermission expected)
    {
        var id = _server.AddMember(Project, "dev", level);

        (await Forge().GetPermissionAsync(Repo(), "dev")).ShouldBe(expected);

        _server.Calls.ShouldContain(c => c.Path == $"/api/v4/projects/acme%2Fcalc/members/all/{id}");
    }

    [Fact]
    public async Task GetPermissionAsync_UserNotAMember_IsNone()
    {
        _server.AddUser("stranger");

        (await Forge().GetPermissionAsync(Repo(), "stranger")).ShouldBe(ForgePermission.None);
    }

    [Fact]
    public async Task GetPermissionAsync_UnknownUser_IsNoneWithoutAskingForMembers()
    {
        (await Forge().GetPermissionAsync(Repo(), "nobody-here")).ShouldBe(ForgePermission.None);

        _server.Calls.ShouldNotContain(c => c.Path.Contains("/members/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPermissionAsync_BlockedMaintainer_IsNone()
    {
        _server.AddMember(Project, "gone", 40, state: "blocked");

        (await Forge().GetPermissionAsync(Repo(), "gone")).ShouldBe(ForgePermission.None);
    }

    [Fact]
    public async Task GetPermissionAsync_MemberOfAnotherProjectOnly_IsNone()
    {
        _server.AddProject("acme/other");
        _server.AddMember("acme/other", "dev", 50);

        (await Forge().GetPermissionAsync(Repo(), "dev")).ShouldBe(ForgePermission.None);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dev\nadmin")]
    [InlineData("../../users")]
    [InlineData("dev&username=root")]
    [InlineData("名前")]
    public async Task GetPermissionAsync_NameGitLabNeverGives_IsNoneWithoutAnyCall(string user)
    {
        (await Forge().GetPermissionAsync(Repo(), user)).ShouldBe(ForgePermission.None);

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetPermissionAsync_OverlongName_IsNoneWithoutAnyCall()
    {
        (await Forge().GetPermissionAsync(Repo(), new string('a', 300))).ShouldBe(ForgePermission.None);

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetPermissionAsync_TokenRejected_ThrowsNamingTheScopeAndNeverTheToken()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge(token: "fake-wrong-gitlab-token").GetPermissionAsync(Repo(), "dev"));

        error.Status.ShouldBe(401);
        error.Message.ShouldContain("'api' scope");
        error.Message.ShouldNotContain("fake-wrong-gitlab-token");
    }

    [Fact]
    public async Task CommentAsync_Issue_PostsANoteAndReturnsItsIdAndAddress()
    {
        _server.AddIssue(Project, 42);

        var posted = await Forge().CommentAsync(Repo(), Issue(42), "Started: see the task page.");

        var note = _server.AllNotes.ShouldHaveSingleItem();
        note.Body.ShouldBe("Started: see the task page.");
        note.Noteable.ShouldBe("issues");
        posted.Id.ShouldBe(note.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        posted.Url.ShouldBe(new Uri(_server.BaseUri, $"acme/calc/-/issues/42#note_{note.Id}").AbsoluteUri);
    }

    [Fact]
    public async Task CommentAsync_MergeRequest_PostsANoteOnTheMergeRequest()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");

        var posted = await Forge().CommentAsync(Repo(), MergeRequest(iid), "Pushed a fix.");

        _server.AllNotes.ShouldHaveSingleItem().Noteable.ShouldBe("merge_requests");
        _server.Calls.ShouldContain(c => c.Method == "POST" && c.Path == $"/api/v4/projects/acme%2Fcalc/merge_requests/{iid}/notes");
        posted.Url!.ShouldContain($"/-/merge_requests/{iid}#note_");
    }

    [Fact]
    public async Task CommentAsync_MentionsAndQuickActions_ArePostedInert()
    {
        _server.AddIssue(Project, 42);

        await Forge().CommentAsync(Repo(), Issue(42), "Thanks @alice and @all, mail me at me@example.com\n/merge\n  /approve\ntext /close stays");

        var body = _server.AllNotes.ShouldHaveSingleItem().Body;
        body.ShouldBe($"Thanks @{ZeroWidthJoiner}alice and @{ZeroWidthJoiner}all, mail me at me@example.com\n{ZeroWidthSpace}/merge\n  {ZeroWidthSpace}/approve\ntext /close stays");
        body.Split('\n').ShouldAllBe(line => !line.TrimStart().StartsWith('/'));
    }

    [Fact]
    public async Task CommentAsync_UnknownIssue_ThrowsNamingIt()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentAsync(Repo(), Issue(404), "hi"));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("issue #404");
        error.Message.ShouldContain("acme/calc");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public async Task CommentAsync_NoText_IsRefusedBeforeAnyCall(string body)
    {
        await Should.ThrowAsync<ArgumentException>(() => Forge().CommentAsync(Repo(), Issue(42), body));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommentAsync_OversizedText_IsCutToWhatGitLabAccepts()
    {
        _server.AddIssue(Project, 42);

        await Forge().CommentAsync(Repo(), Issue(42), new string('x', 1_200_000));

        var body = _server.AllNotes.ShouldHaveSingleItem().Body;
        body.Length.ShouldBeLessThanOrEqualTo(1_000_000);
        body.ShouldEndWith(CommentText.CutMarker);
    }

    [Fact]
    public async Task CommentAsync_ConnectionDropped_IsNotSentTwice()
    {
        _server.AddIssue(Project, 42);
        _server.Fail(c => c.Path.EndsWith("/notes", StringComparison.Ordinal), ForgeFault.Dropped());

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentAsync(Repo(), Issue(42), "hi"));

        error.Message.ShouldContain("not sent again");
        _server.Calls.Count(c => c.Method == "POST").ShouldBe(1);
    }

    [Fact]
    public async Task ListReviewCommentsAsync_DiffNotes_ComeWithTheirPlaceAndADiscussionQualifiedId()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");
        _server.AddNote(Project, "merge_requests", iid, "alice", "Looks good overall");
        var first = _server.AddDiffNote(Project, iid, "alice", "Rename this variable", "src/calc.py", 12);
        var second = _server.AddDiffNote(Project, iid, "bob", "Off by one here", "src/add.py", 3);
        _server.AddNote(Project, "merge_requests", iid, "alice", "changed the description", system: true);

        var comments = await Forge().ListReviewCommentsAsync(Repo(), iid, null, 50);

        comments.Count.ShouldBe(2);
        comments[0].Id.ShouldBe($"{first.DiscussionId}:{first.Id}");
        comments[0].Author.ShouldBe("alice");
        comments[0].Body.ShouldBe("Rename this variable");
        comments[0].Path.ShouldBe("src/calc.py");
        comments[0].Line.ShouldBe(12);
        comments[0].Url!.ShouldEndWith($"/acme/calc/-/merge_requests/{iid}#note_{first.Id}");
        comments[1].Id.ShouldBe($"{second.DiscussionId}:{second.Id}");
        comments[1].Path.ShouldBe("src/add.py");
    }

    [Fact]
    public async Task ListReviewCommentsAsync_MoreThanMax_StopsAtMax()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");
        for (var i = 0; i < 130; i++)
        {
            _server.AddDiffNote(Project, iid, "alice", $"comment {i}", "a.txt", i + 1);
        }

        var comments = await Forge().ListReviewCommentsAsync(Repo(), iid, null, 120);

        comments.Count.ShouldBe(120);
        comments[^1].Body.ShouldBe("comment 119");
        _server.Calls.Count(c => c.Path.EndsWith("/discussions", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_ReviewComment_RepliesInItsDiscussion()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");
        var comment = _server.AddDiffNote(Project, iid, "alice", "Rename this", "src/calc.py", 12);
        var forge = Forge();
        var listed = (await forge.ListReviewCommentsAsync(Repo(), iid, null, 10)).ShouldHaveSingleItem();

        var posted = await forge.ReplyToReviewCommentAsync(Repo(), iid, listed.Id, "Renamed to `total` in abc123, @alice.");

        var reply = _server.AllNotes.Last();
        reply.DiscussionId.ShouldBe(comment.DiscussionId);
        reply.Body.ShouldBe($"Renamed to `total` in abc123, @{ZeroWidthJoiner}alice.");
        posted.Id.ShouldBe($"{comment.DiscussionId}:{reply.Id}");
        _server.Calls.ShouldContain(c => c.Method == "POST" && c.Path == $"/api/v4/projects/acme%2Fcalc/merge_requests/{iid}/discussions/{comment.DiscussionId}/notes");
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not-hex:12")]
    [InlineData("abc:")]
    [InlineData(":12")]
    [InlineData("abc:-4")]
    [InlineData("abc:12/../../x")]
    [InlineData("abc\n:12")]
    public async Task ReplyToReviewCommentAsync_MalformedId_ThrowsSayingTheShapeBeforeAnyCall(string commentId)
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ReplyToReviewCommentAsync(Repo(), 1, commentId, "text"));

        error.Message.ShouldContain("discussionId:noteId");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReplyToReviewCommentAsync_DeletedDiscussion_ThrowsSayingItMayBeGone()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ReplyToReviewCommentAsync(Repo(), iid, new string('a', 40) + ":7", "text"));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("may have been deleted");
    }

    [Fact]
    public async Task ReactAsync_OnTheIssue_AwardsTheEmoji()
    {
        _server.AddIssue(Project, 42);

        (await Forge().ReactAsync(Repo(), Issue(42), null, ForgeReaction.Eyes)).ShouldBeTrue();

        _server.Awards.ShouldHaveSingleItem().ShouldBe(new FakeGitLabAward(Project, "issues/42", "eyes", "nightshift-bot"));
    }

    [Fact]
    public async Task ReactAsync_OnANoteAndOnAReviewComment_AwardsTheNotes()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");
        var note = _server.AddNote(Project, "merge_requests", iid, "alice", "/nightshift fix the lint");
        var diff = _server.AddDiffNote(Project, iid, "alice", "Rename", "a.py", 1);
        var forge = Forge();

        (await forge.ReactAsync(Repo(), MergeRequest(iid), note.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ForgeReaction.Rocket)).ShouldBeTrue();
        (await forge.ReactAsync(Repo(), MergeRequest(iid), $"{diff.DiscussionId}:{diff.Id}", ForgeReaction.Confused)).ShouldBeTrue();

        _server.Awards.Select(a => (a.Awardable, a.Name)).ShouldBe([
            ($"merge_requests/{iid}/notes/{note.Id}", "rocket"),
            ($"merge_requests/{iid}/notes/{diff.Id}", "confused"),
        ]);
    }

    [Fact]
    public async Task ReactAsync_SameReactionTwice_IsTrueAndAwardedOnce()
    {
        _server.AddIssue(Project, 42);
        var forge = Forge();

        (await forge.ReactAsync(Repo(), Issue(42), null, ForgeReaction.Rocket)).ShouldBeTrue();
        (await forge.ReactAsync(Repo(), Issue(42), null, ForgeReaction.Rocket)).ShouldBeTrue();

        _server.Awards.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ReactAsync_UnknownIssue_ThrowsNamingIt()
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ReactAsync(Repo(), Issue(404), null, ForgeReaction.Eyes));

        error.Status.ShouldBe(404);
        error.Message.ShouldContain("issue #404");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1/../../../users")]
    public async Task ReactAsync_MalformedCommentId_ThrowsBeforeAnyCall(string commentId)
    {
        await Should.ThrowAsync<ForgeException>(() => Forge().ReactAsync(Repo(), Issue(42), commentId, ForgeReaction.Eyes));

        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListLabelledIssuesAsync_OpenLabelledSince_NewestFirstWithoutClosedOrConfidentialOnes()
    {
        var since = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var older = _server.AddIssue(Project, 1);
        older.Labels.Add("nightshift");
        older.Title = "Old one";
        older.Description = "Steps: …";
        older.UpdatedAt = since.AddDays(1);
        var newer = _server.AddIssue(Project, 2);
        newer.Labels.AddRange(["bug", "nightshift"]);
        newer.UpdatedAt = since.AddDays(2);
        var stale = _server.AddIssue(Project, 3);
        stale.Labels.Add("nightshift");
        stale.UpdatedAt = since.AddDays(-1);
        var closed = _server.AddIssue(Project, 4);
        closed.Labels.Add("nightshift");
        closed.State = "closed";
        var secret = _server.AddIssue(Project, 5);
        secret.Labels.Add("nightshift");
        secret.Confidential = true;
        _server.AddIssue(Project, 6).Labels.Add("other");

        var issues = await Forge().ListLabelledIssuesAsync(Repo(), "nightshift", since, 10);

        issues.Select(i => i.Number).ShouldBe([2L, 1L]);
        issues[1].Title.ShouldBe("Old one");
        issues[1].Body.ShouldBe("Steps: …");
        issues[1].Author.ShouldBe("reporter");
        issues[1].Url.ShouldBe(new Uri(_server.BaseUri, "acme/calc/-/issues/1").AbsoluteUri);
        issues[0].Labels.ShouldBe(["bug", "nightshift"]);
        var call = _server.Calls.Single(c => c.Path.EndsWith("/issues", StringComparison.Ordinal));
        call.QueryValue("labels").ShouldBe("nightshift");
        call.QueryValue("state").ShouldBe("opened");
        call.QueryValue("updated_after").ShouldBe("2026-03-01T00:00:00Z");
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("")]
    [InlineData("bad\nlabel")]
    public async Task ListLabelledIssuesAsync_LabelGitLabCannotSearch_ThrowsBeforeAnyCall(string label)
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().ListLabelledIssuesAsync(Repo(), label, DateTimeOffset.UnixEpoch, 10));

        error.Message.ShouldContain("comma");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListCommentsAsync_Issue_PeoplesNotesOldestFirstSinceTheTime()
    {
        _server.AddIssue(Project, 42);
        var early = _server.AddNote(Project, "issues", 42, "alice", "first");
        _server.AddNote(Project, "issues", 42, "alice", "added ~bug label", system: true);
        var bot = _server.AddNote(Project, "issues", 42, "project_101_bot_3f2a", "automated", authorIsBot: true);
        var late = _server.AddNote(Project, "issues", 42, "bob", "/nightshift please also update the docs");

        var all = await Forge().ListCommentsAsync(Repo(), Issue(42), null, 10);
        var since = await Forge().ListCommentsAsync(Repo(), Issue(42), bot.CreatedAt, 10);

        all.Select(c => c.Body).ShouldBe(["first", "automated", "/nightshift please also update the docs"]);
        all[0].Id.ShouldBe(early.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        all[0].AuthorIsBot.ShouldBeFalse();
        all[1].AuthorIsBot.ShouldBeTrue();
        all[2].Author.ShouldBe("bob");
        all[2].CreatedAt.ShouldBe(late.CreatedAt);
        since.Select(c => c.Author).ShouldBe(["project_101_bot_3f2a", "bob"]);
    }

    [Fact]
    public async Task ListCommentsAsync_MergeRequest_LeavesReviewCommentsOut()
    {
        var iid = _server.AddMergeRequest(Project, "nightshift/fix");
        _server.AddNote(Project, "merge_requests", iid, "alice", "general remark");
        _server.AddDiffNote(Project, iid, "alice", "on a line", "a.py", 1);

        var comments = await Forge().ListCommentsAsync(Repo(), MergeRequest(iid), null, 10);

        comments.ShouldHaveSingleItem().Body.ShouldBe("general remark");
    }

    [Fact]
    public async Task ListCommentsAsync_HugeComment_IsClipped()
    {
        _server.AddIssue(Project, 42);
        _server.AddNote(Project, "issues", 42, "alice", new string('y', 200_000));

        var comment = (await Forge().ListCommentsAsync(Repo(), Issue(42), null, 10)).ShouldHaveSingleItem();

        comment.Body.Length.ShouldBeLessThan(GitLabForge.MaxCommentChars + 100);
        comment.Body.ShouldEndWith("(cut by Nightshift)");
    }

    [Fact]
    public async Task ListCommentsAsync_ZeroMax_IsRefused()
    {
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Forge().ListCommentsAsync(Repo(), Issue(42), null, 0));
    }

    [Fact]
    public async Task GetCheckLogAsync_FailedJob_ReturnsItsCleanedLog()
    {
        var job = _server.AddJob(Project, "section_start:1700000000:step_script\r\u001b[0K\u001b[32;1m$ make test\u001b[0;m\r\nFAIL test_add (expected 3, got 4)\r\nsection_end:1700000001:step_script\r\u001b[0K\u001b[31;1mERROR: Job failed: exit code 1\u001b[0;m\n");

        var log = await Forge().GetCheckLogAsync(Repo(), job.ToString(System.Globalization.CultureInfo.InvariantCulture), 10_000);

        log.ShouldBe("$ make test\nFAIL test_add (expected 3, got 4)\nERROR: Job failed: exit code 1\n");
    }

    [Fact]
    public async Task GetCheckLogAsync_LongLog_ReturnsOnlyItsTailWithoutAHalfCharacter()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Append("line ").Append(i).Append(" ✓\n");
        }
        builder.Append("the real error is here\n");
        var job = _server.AddJob(Project, builder.ToString());

        var log = await Forge().GetCheckLogAsync(Repo(), job.ToString(System.Globalization.CultureInfo.InvariantCulture), 1001);

        log.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(log).ShouldBeLessThanOrEqualTo(1001);
        log.ShouldEndWith("line 19999 ✓\nthe real error is here\n");
        log.ShouldNotContain("\uFFFD");
    }

    [Fact]
    public async Task GetCheckLogAsync_UnknownJob_IsNull()
    {
        (await Forge().GetCheckLogAsync(Repo(), "123456", 1000)).ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12/../../users")]
    [InlineData("-5")]
    [InlineData("99999999999999999999999")]
    public async Task GetCheckLogAsync_NotAJobId_ThrowsBeforeAnyCall(string checkId)
    {
        var error = await Should.ThrowAsync<ForgeException>(() => Forge().GetCheckLogAsync(Repo(), checkId, 1000));

        error.Message.ShouldContain("not a GitLab job id");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task AnyCall_RepositoryOnAnotherHost_ThrowsNamingTheHost()
    {
        var elsewhere = ForgeRepository.TryParse("https://gitlab.example.org/acme/calc.git")!;

        var error = await Should.ThrowAsync<ForgeException>(() => Forge().CommentAsync(elsewhere, Issue(1), "hi"));

        error.Message.ShouldContain("gitlab.example.org");
        _server.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task AnyCall_NestedGroupProject_AddressesItByItsEncodedFullPath()
    {
        _server.AddProject("org/team/tools/calc");
        _server.AddIssue("org/team/tools/calc", 3);

        await Forge().CommentAsync(Repo("org/team/tools/calc"), Issue(3), "hi");

        _server.Calls.ShouldHaveSingleItem().Path.ShouldBe("/api/v4/projects/org%2Fteam%2Ftools%2Fcalc/issues/3/notes");
    }
}
