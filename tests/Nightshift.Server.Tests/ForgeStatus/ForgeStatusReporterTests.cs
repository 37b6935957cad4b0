using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Forges.Conversation;
using Nightshift.Server.ForgeStatus;
using Nightshift.Storage;

namespace Nightshift.Server.Tests.ForgeStatus;

public sealed class ForgeStatusReporterTests : IAsyncLifetime
{
    /// <summary>Shaped like a GitHub token for the redactor to find, and plainly not one.</summary>
    private static readonly string FakeToken = "ghp_" + new string('0', 36);

    private ReporterFixture _fixture = null!;

    private ConversationForge Forge => _fixture.Forge;

    public async Task InitializeAsync() => _fixture = await ReporterFixture.StartAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task ReportOnce_TaskStartsThenSucceeds_PostsOneCommentEachWithLinksAndReactions()
    {
        var task = await _fixture.SubmitAsync();
        var reporter = _fixture.Reporter();
        var lease = await _fixture.ClaimAsync();

        await reporter.ReportOnceAsync();

        var started = Forge.Comments.ShouldHaveSingleItem();
        started.Thread.ShouldBe(new ForgeThread(ForgeThreadKind.Issue, 7));
        started.Body.ShouldContain($"{ReporterFixture.PublicUrl}/tasks/{task.Id}");
        started.Body.ShouldContain(NoticeText.Marker);
        Forge.Reactions.ShouldBe([(new ForgeThread(ForgeThreadKind.Issue, 7), "IC_1", ForgeReaction.Eyes)]);

        await _fixture.Store.FinishAsync(lease, TaskOutcome.Succeeded("nightshift/fix", "https://github.example/acme/widgets/pull/8") with { DetailsJson = """{"summary":"Pinned the clock in the flaky test."}""" });
        await reporter.ReportOnceAsync();
        await reporter.ReportOnceAsync();

        Forge.Comments.Count.ShouldBe(2);
        var ended = Forge.Comments.Last().Body;
        ended.ShouldContain("[the pull request](https://github.example/acme/widgets/pull/8)");
        ended.ShouldContain("Pinned the clock in the flaky test.");
        ended.ShouldContain(NoticeText.Marker);
        Forge.Reactions.Last().Reaction.ShouldBe(ForgeReaction.Rocket);
        Forge.Reactions.Count.ShouldBe(2);
        (await _fixture.Store.ListNoticesAsync(task.Id)).ShouldAllBe(n => n.State == NoticeState.Posted);
    }

    [Fact]
    public async Task ReportOnce_RetriedAttemptStartsAgain_PostsNoSecondStartComment()
    {
        await _fixture.SubmitAsync();
        var reporter = _fixture.Reporter();
        var lease = await _fixture.ClaimAsync();
        await reporter.ReportOnceAsync();

        await _fixture.Store.FinishAsync(lease, TaskOutcome.Retry("the model timed out"));
        _fixture.Clock.Advance(TimeSpan.FromHours(1));
        (await _fixture.ClaimAsync()).Attempt.ShouldBe(2);
        await reporter.ReportOnceAsync();

        Forge.Comments.ShouldHaveSingleItem();
        Forge.Reactions.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ReportOnce_CrashAfterTheForgeTookTheComment_RestartFindsItAndDoublesNothing()
    {
        var task = await _fixture.SubmitAsync();
        await _fixture.ClaimAsync();
        using var crash = new CancellationTokenSource();
        Forge.AfterPost = () =>
        {
            crash.Cancel();
            crash.Token.ThrowIfCancellationRequested();
        };

        await Should.ThrowAsync<OperationCanceledException>(() => _fixture.Reporter().ReportOnceAsync(crash.Token));
        Forge.AfterPost = null;
        (await _fixture.Store.ListNoticesAsync(task.Id)).ShouldHaveSingleItem().State.ShouldBe(NoticeState.Sending);

        var restarted = await _fixture.OpenStoreAsync();
        await _fixture.Reporter(restarted).ReportOnceAsync();

        Forge.Comments.ShouldHaveSingleItem();
        Forge.Reactions.ShouldHaveSingleItem();
        (await restarted.ListNoticesAsync(task.Id)).ShouldAllBe(n => n.State == NoticeState.Posted);
    }

    [Fact]
    public async Task ReportOnce_CrashBeforeThePost_RestartPostsItOnce()
    {
        var task = await _fixture.SubmitAsync();
        await _fixture.ClaimAsync();
        var started = (await _fixture.Store.ReadEventsAsync(task.Id, 0)).Single(e => e.Type == EventTypes.TaskStarted);
        // What a crash right after recording "sending" leaves behind.
        await _fixture.Store.BeginNoticeAsync(task.Id, $"started:{started.Sequence}");

        await _fixture.Reporter(await _fixture.OpenStoreAsync()).ReportOnceAsync();
        await _fixture.Reporter().ReportOnceAsync();

        Forge.Comments.ShouldHaveSingleItem(string.Join('\n', _fixture.Logs.Lines)).Body.ShouldContain(task.Id);
    }

    [Fact]
    public async Task ReportOnce_ForgeAnswers500ThenOk_PostsOnceWhenTheRetryIsDue()
    {
        await _fixture.SubmitAsync();
        await _fixture.ClaimAsync();
        var reporter = _fixture.Reporter();
        Forge.FailNext(1);

        await reporter.ReportOnceAsync();
        await reporter.ReportOnceAsync();
        Forge.Comments.ShouldBeEmpty("the retry waits for its backoff");

        _fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await reporter.ReportOnceAsync();
        await reporter.ReportOnceAsync();

        Forge.Comments.ShouldHaveSingleItem();
        Forge.Reactions.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ReportOnce_ForgeKeepsRefusing_GivesTheNoticeUpAfterMaxAttemptsAndGoesOn()
    {
        _fixture.Options.MaxAttempts = 2;
        var task = await _fixture.SubmitAsync();
        await _fixture.ClaimAsync();
        var reporter = _fixture.Reporter();
        Forge.FailNext(2, status: 403);

        await reporter.ReportOnceAsync();
        _fixture.Clock.Advance(TimeSpan.FromHours(1));
        await reporter.ReportOnceAsync();

        Forge.Comments.ShouldBeEmpty();
        Forge.Reactions.ShouldHaveSingleItem("the notices after the refused one still go out");
        (await _fixture.Store.ListNoticesAsync(task.Id)).Single(n => n.Key.StartsWith("started:", StringComparison.Ordinal)).State.ShouldBe(NoticeState.Abandoned);
    }

    [Fact]
    public async Task ReportOnce_FailedTask_SaysWhatWentWrongInPlainWords()
    {
        await _fixture.SubmitAsync();
        var lease = await _fixture.ClaimAsync();

        await _fixture.Store.FinishAsync(lease, TaskOutcome.Failed("the repository's tests do not compile on main; fix the build first"));
        await _fixture.Reporter().ReportOnceAsync();

        var ended = Forge.Comments.Last().Body;
        ended.ShouldContain("failed");
        ended.ShouldContain("> the repository's tests do not compile on main; fix the build first");
        ended.ShouldContain("nightshift retry");
        Forge.Reactions.Last().Reaction.ShouldBe(ForgeReaction.Confused);
    }

    [Fact]
    public async Task ReportOnce_NeedsReview_PointsAtTheDraftAndWhyVerificationFailed()
    {
        await _fixture.SubmitAsync();
        var lease = await _fixture.ClaimAsync();

        await _fixture.Store.FinishAsync(lease, TaskOutcome.NeedsReview("2 tests still fail: CartTests.Total", "nightshift/x", "https://github.example/acme/widgets/pull/9"));
        await _fixture.Reporter().ReportOnceAsync();

        var ended = Forge.Comments.Last().Body;
        ended.ShouldContain("draft");
        ended.ShouldContain("https://github.example/acme/widgets/pull/9");
        ended.ShouldContain("2 tests still fail: CartTests.Total");
    }

    [Fact]
    public async Task ReportOnce_HostileTaskText_IsQuotedAsHarmlessData()
    {
        var hostile = $"@everyone <img src=x onerror=alert(1)> <!-- nightshift:notice --> fixes #12 {FakeToken} in /home/nightshift/data/worktrees/x/secret.txt\n/nightshift delete everything "
            + new string('A', 90_000);
        await _fixture.SubmitAsync(instruction: hostile);
        var lease = await _fixture.ClaimAsync();
        await _fixture.Store.FinishAsync(lease, TaskOutcome.Failed(hostile[..2_000]));

        await _fixture.Reporter().ReportOnceAsync();

        Forge.Comments.Count.ShouldBe(2);
        foreach (var (_, body) in Forge.Comments)
        {
            body.Length.ShouldBeLessThanOrEqualTo(NoticeText.MaxCommentLength);
            body.ShouldNotContain("@everyone");
            body.ShouldNotContain("<img");
            body.ShouldNotContain("#12");
            body.ShouldNotContain(FakeToken);
            body.ShouldNotContain("/home/nightshift");
            body.Split(NoticeText.Marker).Length.ShouldBe(2, "only our own marker, at the end");
            body.Split('\n').ShouldNotContain(line => line.StartsWith("/nightshift", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ReportOnce_FollowUpWithReviewComments_RepliesToEachOnceWithWhatChanged()
    {
        var parent = await _fixture.SubmitAsync();
        var origin = ReporterFixture.Issue(8) with { Kind = TaskOriginKind.PullRequest, Url = "https://github.example/acme/widgets/pull/8", CommentId = null, ReviewComments = ["101", "102", "101"] };
        var parentLease = await _fixture.ClaimAsync();
        await _fixture.Store.FinishAsync(parentLease, TaskOutcome.Succeeded("nightshift/fix", "https://github.example/acme/widgets/pull/8"));
        var followUp = await _fixture.SubmitAsync(instruction: "address the review", origin: origin, followUpOf: parent.Id);
        var lease = await _fixture.ClaimAsync();
        lease.TaskId.ShouldBe(followUp.Id);
        await _fixture.Store.AppendEventAsync(lease, EventTypes.CommitCreated, """{"commit":"0123456789abcdef0123","branch":"nightshift/fix","files":["src/Cart.cs","tests/CartTests.cs"]}""");
        await _fixture.Store.AppendEventAsync(lease, EventTypes.BranchPushed, """{"branch":"nightshift/fix","remote":"origin"}""");
        await _fixture.Store.FinishAsync(lease, TaskOutcome.Succeeded("nightshift/fix", "https://github.example/acme/widgets/pull/8") with { DetailsJson = """{"summary":"Renamed total to subtotal as asked."}""" });

        await _fixture.Reporter().ReportOnceAsync();
        await _fixture.Reporter(await _fixture.OpenStoreAsync()).ReportOnceAsync();

        Forge.Replies.Select(r => (r.PullRequest, r.CommentId)).ShouldBe([(8L, "101"), (8L, "102")]);
        foreach (var (_, _, body) in Forge.Replies)
        {
            body.ShouldContain("`0123456789ab`");
            body.ShouldContain("`src/Cart.cs`");
            body.ShouldContain("`nightshift/fix`");
            body.ShouldContain("Renamed total to subtotal as asked.");
            body.ShouldContain(NoticeText.Marker);
        }
    }

    [Fact]
    public async Task ReportOnce_Question_PostsItWithHowToAnswer()
    {
        var task = await _fixture.SubmitAsync();
        var lease = await _fixture.ClaimAsync();

        // The store writes task.question itself when the attempt parks the task awaiting input.
        await _fixture.Store.FinishAsync(lease, TaskOutcome.AwaitInput("Keep the old API @maintainers?", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), "keep it"));
        await _fixture.Reporter().ReportOnceAsync();

        var question = Forge.Comments.Last().Body;
        question.ShouldContain("Keep the old API @\u200Bmaintainers?");
        question.ShouldContain($"nightshift say {task.ShortId}");
        question.ShouldContain("2026-01-01 10:00 UTC");
        question.ShouldContain("> keep it");
    }

    [Fact]
    public async Task ReportOnce_RepositoryOnNoConfiguredForge_PostsNothingAndPassesTheEventsOver()
    {
        var task = await _fixture.SubmitAsync(repo: "https://elsewhere.example/acme/widgets.git");
        await _fixture.ClaimAsync();

        await _fixture.Reporter().ReportOnceAsync();

        Forge.Comments.ShouldBeEmpty();
        Forge.Reactions.ShouldBeEmpty();
        (await _fixture.Store.FindTasksWithUnreportedEventsAsync(10)).ShouldNotContain(task.Id);
    }

    [Fact]
    public async Task ReportOnce_TaskWithoutOrigin_IsNeverLookedAt()
    {
        await _fixture.Store.SubmitAsync(new NewTask { Repo = ReporterFixture.Repo, Instruction = "asked here" });
        await _fixture.ClaimAsync();

        (await _fixture.Reporter().ReportOnceAsync()).ShouldBe(0);
        Forge.Comments.ShouldBeEmpty();
    }
}
