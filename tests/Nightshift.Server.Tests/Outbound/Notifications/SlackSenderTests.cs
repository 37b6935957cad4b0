using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nightshift.Core.Events;
using Nightshift.Server.Outbound;
using Nightshift.Server.Outbound.Notifications;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class SlackSenderTests
{
    [Fact]
    public async Task SendAsync_ReceiverAccepts_PostsOneJsonMessageWithTheTaskFacts()
    {
        await using var receiver = await StubHttpServer.StartAsync(context => context.Response.WriteAsync("ok"));
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered, result.Error);
        result.StatusCode.ShouldBe(200);
        var request = receiver.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe(NotificationSamples.FakeSlackPath);
        request.Headers["Content-Type"].ShouldStartWith("application/json");
        var text = TextOf(request.Body);
        text.ShouldStartWith("*Nightshift: task failed*: Fix the login page (acme/web)");
        text.ShouldContain($"<{NotificationSamples.PullRequestUrl}|{NotificationSamples.PullRequestUrl}>");
        text.ShouldContain($"<{NotificationSamples.TaskUrl}|{NotificationSamples.TaskId}>");
        text.ShouldContain("Why: the tests still fail");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("type").GetString().ShouldBe("mrkdwn");
        body.RootElement.GetProperty("unfurl_links").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task SendAsync_HostileTitleAndReason_ArriveEscapedSoNothingPingsOrLinks()
    {
        await using var receiver = await StubHttpServer.StartAsync(context => context.Response.WriteAsync("ok"));
        using var host = new SenderHost();

        await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)),
            NotificationSamples.Delivery(NotificationSamples.Payload(
                title: "<!channel> <@U123> <https://evil.example/login|Sign in again> & @here",
                reason: "<!everyone> see <https://evil.example|the logs>")),
            TestDefaults.TimeoutToken());

        var text = TextOf(receiver.Requests.ShouldHaveSingleItem().Body);
        text.ShouldNotContain("<!channel>");
        text.ShouldNotContain("<!everyone>");
        text.ShouldNotContain("<@U123>");
        text.ShouldNotContain("<https://evil.example");
        text.ShouldNotContain("@here");
        text.ShouldContain("&lt;!channel&gt; &lt;@\u2060U123&gt; &lt;https://evil.example/login|Sign in again&gt; &amp; @\u2060here");
        text.ShouldContain("&lt;!everyone&gt;");
    }

    [Theory]
    [InlineData(404, "no_service")]
    [InlineData(410, "no_service")]
    public async Task SendAsync_WebhookRemoved_IsGone(int status, string answer)
    {
        await using var receiver = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync(answer);
        });
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Gone);
        result.StatusCode.ShouldBe(status);
        result.ResponseExcerpt.ShouldBe("no_service");
        result.Error!.ShouldContain("Notifications:Slack:Url");
    }

    [Fact]
    public async Task SendAsync_Answer429WithRetryAfter_IsRetryableAfterThatLong()
    {
        await using var receiver = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "7";
            return context.Response.WriteAsync("rate_limited");
        });
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.StatusCode.ShouldBe(429);
        result.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Theory]
    [InlineData(500, SendStatus.Retryable)]
    [InlineData(503, SendStatus.Retryable)]
    [InlineData(400, SendStatus.Refused)]
    [InlineData(403, SendStatus.Refused)]
    public async Task SendAsync_ErrorAnswer_IsClassified(int status, SendStatus expected)
    {
        await using var receiver = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync("invalid_payload");
        });
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(expected);
        result.StatusCode.ShouldBe(status);
        result.Error!.ShouldContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SendAsync_ReceiverEchoesTheAddress_ExcerptAndErrorNeverCarryTheToken()
    {
        await using var receiver = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 400;
            return context.Response.WriteAsync($"bad request to {context.Request.Scheme}://{context.Request.Host}{context.Request.Path} (token {context.Request.Path.Value!.Split('/')[^1]})");
        });
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.ResponseExcerpt!.ShouldNotContain("fakeTokenNotReal");
        result.Error!.ShouldNotContain("fakeTokenNotReal");
        result.ResponseExcerpt!.ShouldContain("[webhook address]");
    }

    [Fact]
    public async Task SendAsync_ReceiverNeverAnswers_IsRetryableAfterOutboundTimeout()
    {
        var never = new TaskCompletionSource();
        await using var receiver = await StubHttpServer.StartAsync(context => never.Task.WaitAsync(context.RequestAborted));
        using var host = new SenderHost(outboundTimeout: TimeSpan.FromMilliseconds(300));

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.Error!.ShouldContain("Outbound:Timeout");
    }

    [Fact]
    public async Task SendAsync_Answer503WithAHugeRetryAfter_IsCappedAtADay()
    {
        await using var receiver = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "999999999";
            return Task.CompletedTask;
        });
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.RetryAfter.ShouldBe(SlackSender.MaxRetryAfter);
    }

    [Fact]
    public async Task SendAsync_NobodyListening_IsRetryableWithoutTheToken()
    {
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack($"http://127.0.0.1:{SmtpSink.FreePort()}{NotificationSamples.FakeSlackPath}"),
            NotificationSamples.Delivery(NotificationSamples.Payload()),
            TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.StatusCode.ShouldBeNull();
        result.Error!.ShouldNotContain("fakeTokenNotReal");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"type\":\"task.failed\",\"data\":{\"task\":{\"id\":\"t_1\"}}}")]
    [InlineData("{\"type\":\"task.failed\",\"data\":[]}")]
    public async Task SendAsync_MalformedPayload_IsRefusedWithoutPosting(string payload)
    {
        await using var receiver = await StubHttpServer.StartAsync(context => context.Response.WriteAsync("ok"));
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack(WebhookUrl(receiver)), NotificationSamples.Delivery(payload), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("payload");
        receiver.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_EndpointWithoutAddress_IsRefused()
    {
        using var host = new SenderHost();

        var result = await host.Sender(OutboundChannel.Slack).SendAsync(
            NotificationSamples.Slack("not a url"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("Notifications:Slack:Url");
    }

    [Fact]
    public void Text_SucceededWithoutLinks_ShowsTheTaskIdAndNoReason()
    {
        NotificationPayload.TryRead(
            NotificationSamples.Payload(EventTypes.TaskSucceeded, reason: "hidden", pullRequestUrl: null, taskUrl: null, branch: null),
            out var notice, out var error).ShouldBeTrue(error);

        var text = SlackComposer.Text(notice);

        text.ShouldContain($"Task: {NotificationSamples.TaskId}");
        text.ShouldNotContain("hidden");
        text.ShouldNotContain("Branch:");
        text.ShouldNotContain("Pull request:");
    }

    private static string WebhookUrl(StubHttpServer receiver) => new Uri(receiver.Url, NotificationSamples.FakeSlackPath).ToString();

    private static string TextOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("text").GetString()!;
    }
}
