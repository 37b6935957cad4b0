using Nightshift.Core.Events;
using Nightshift.Server.Outbound.Notifications;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class NotificationTextTests
{
    [Theory]
    [InlineData("https://github.com/acme/web.git", "acme/web")]
    [InlineData("https://gitlab.example.com/group/sub/project", "sub/project")]
    [InlineData("git@github.com:acme/web.git", "acme/web")]
    [InlineData("/srv/repos/web", "web")]
    [InlineData("/srv/repos/web/", "web")]
    public void RepoName_CloneAddressOrPath_ReadsAsPeopleSayIt(string repo, string expected) =>
        NotificationText.RepoName(repo).ShouldBe(expected);

    [Theory]
    [InlineData("a\r\nb", "a b")]
    [InlineData("  a \t\t b  ", "a b")]
    [InlineData("a\u202Eb\u200Bc", "a b c")]
    [InlineData("\u0000\u0007", "")]
    public void OneLine_ControlAndFormatCharacters_BecomeOneSpace(string text, string expected) =>
        NotificationText.OneLine(text, 100).ShouldBe(expected);

    [Fact]
    public void OneLine_Oversized_IsClippedWithAnEllipsis()
    {
        var line = NotificationText.OneLine(new string('x', 1_000_000), 50);

        line.Length.ShouldBe(50);
        line.ShouldEndWith("…");
    }

    [Fact]
    public void Clip_InASurrogatePair_NeverSplitsIt()
    {
        var clipped = NotificationText.Clip("ab😀cd", 4);

        clipped.ShouldBe("ab…");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/tasks/t_1")]
    [InlineData("https://user:pw@example.com/")]
    [InlineData("https://example.com/a b")]
    [InlineData("data:text/html,<script>")]
    public void SafeUrl_NotAnAbsoluteHttpLink_IsNull(string url) => NotificationText.SafeUrl(url).ShouldBeNull();

    [Fact]
    public void TryRead_FailedPayload_ReadsEveryFact()
    {
        NotificationPayload.TryRead(NotificationSamples.Payload(), out var notice, out var error).ShouldBeTrue(error);

        notice.EventType.ShouldBe(EventTypes.TaskFailed);
        notice.Status.ShouldBe("failed");
        notice.TaskId.ShouldBe(NotificationSamples.TaskId);
        notice.Repo.ShouldBe(NotificationSamples.Repo);
        notice.RepoName.ShouldBe("acme/web");
        notice.Title.ShouldBe("Fix the login page");
        notice.Branch.ShouldBe("nightshift/fix-login");
        notice.PullRequestUrl.ShouldBe(NotificationSamples.PullRequestUrl);
        notice.TaskUrl.ShouldBe(NotificationSamples.TaskUrl);
        notice.Reason!.ShouldStartWith("the tests still fail");
        notice.Timestamp.ShouldBe(new DateTimeOffset(2026, 12, 5, 10, 39, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData(EventTypes.TaskNeedsReview, "needs review")]
    [InlineData(EventTypes.TaskTimedOut, "timed out")]
    [InlineData(EventTypes.TaskDead, "gave up")]
    [InlineData("plan.ready", "plan.ready")]
    public void TryRead_EventType_GivesTheStatusWords(string type, string status)
    {
        NotificationPayload.TryRead(NotificationSamples.Payload(type), out var notice, out _).ShouldBeTrue();

        notice.Status.ShouldBe(status);
    }

    [Fact]
    public void TryRead_NestedTooDeep_IsAnErrorNotAnException()
    {
        var deep = new string('[', 200) + new string(']', 200);

        NotificationPayload.TryRead(deep, out _, out var error).ShouldBeFalse();

        error.ShouldContain("not valid JSON");
    }

    [Fact]
    public void TryRead_Oversized_IsAnError()
    {
        var huge = NotificationSamples.Payload(title: new string('x', 300_000));

        NotificationPayload.TryRead(huge, out _, out var error).ShouldBeFalse();

        error.ShouldContain("more than");
    }

    [Fact]
    public void TryRead_WrongKindsForOptionalFields_AreLeftOut()
    {
        const string payload = """
            {"type":"task.failed","timestamp":12,"data":{"task":{"id":"t_1","repo":"/srv/web","title":7,"branch":{},"pullRequestUrl":[],"url":true},
             "event":{"data":{"reason":["not","text"]}}}}
            """;

        NotificationPayload.TryRead(payload, out var notice, out var error).ShouldBeTrue(error);

        notice.Title.ShouldBe("(no title)");
        notice.Branch.ShouldBeNull();
        notice.PullRequestUrl.ShouldBeNull();
        notice.TaskUrl.ShouldBeNull();
        notice.Reason.ShouldBeNull();
        notice.Timestamp.ShouldBeNull();
    }
}
