using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Nightshift.Core.Events;
using Nightshift.Server.Outbound;
using Nightshift.Server.Outbound.Notifications;
using Nightshift.TestKit;
using SmtpServer.Protocol;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class EmailSenderTests
{
    private const string FakePassword = "fake-smtp-password-0000";

    [Fact]
    public async Task SendAsync_SinkAccepts_OneMailWithSubjectRecipientsAndBothBodies()
    {
        await using var sink = await SmtpSink.StartAsync();
        var sender = Sender(sink.Port);

        var result = await sender.SendAsync(
            NotificationSamples.Email("dev@example.com", "lead@example.com"),
            NotificationSamples.Delivery(NotificationSamples.Payload()),
            TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered, result.Error);
        result.Error.ShouldBeNull();
        var (message, envelope) = sink.Received.ShouldHaveSingleItem();
        message.Subject.ShouldBe("[Nightshift] failed: Fix the login page (acme/web)");
        envelope.ShouldBe(["dev@example.com", "lead@example.com"], ignoreOrder: true);
        message.To.Mailboxes.Select(m => m.Address).ShouldBe(["dev@example.com", "lead@example.com"]);
        message.From.Mailboxes.Single().Address.ShouldBe("nightshift@example.com");
        message.MessageId.ShouldBe("msg_2fakeDeliveryId000000001@example.com");
        message.Headers[EmailComposer.TaskHeader].ShouldBe(NotificationSamples.TaskId);
        message.TextBody!.ShouldContain("Status: failed");
        message.TextBody!.ShouldContain("Repository: " + NotificationSamples.Repo);
        message.TextBody!.ShouldContain("Branch: nightshift/fix-login");
        message.TextBody!.ShouldContain("Pull request: " + NotificationSamples.PullRequestUrl);
        message.TextBody!.ShouldContain("Task: " + NotificationSamples.TaskUrl);
        message.TextBody!.ShouldContain("LoginTests.Submit_EmptyPassword_ShowsError");
        message.HtmlBody!.ShouldContain($"<a href=\"{NotificationSamples.TaskUrl}\">");
        message.HtmlBody!.ShouldContain($"<a href=\"{NotificationSamples.PullRequestUrl}\">");
    }

    [Fact]
    public async Task SendAsync_Succeeded_SaysSucceededAndLeavesTheReasonOut()
    {
        await using var sink = await SmtpSink.StartAsync();

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"),
            NotificationSamples.Delivery(NotificationSamples.Payload(EventTypes.TaskSucceeded, reason: "not shown")),
            TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered, result.Error);
        var message = sink.Received.ShouldHaveSingleItem().Message;
        message.Subject.ShouldBe("[Nightshift] succeeded: Fix the login page (acme/web)");
        message.TextBody!.ShouldNotContain("not shown");
    }

    [Theory]
    [InlineData("Fix it\r\nBcc: attacker@evil.example")]
    [InlineData("Fix it\nBcc: attacker@evil.example")]
    [InlineData("Fix it\rBcc: attacker@evil.example")]
    [InlineData("Fix it\u2028Bcc: attacker@evil.example\u0000\u202E")]
    public async Task SendAsync_HeaderInjectionInTitle_AddsNoHeaderAndNoRecipient(string title)
    {
        await using var sink = await SmtpSink.StartAsync();

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"),
            NotificationSamples.Delivery(NotificationSamples.Payload(title: title)),
            TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered, result.Error);
        var (message, envelope) = sink.Received.ShouldHaveSingleItem();
        envelope.ShouldBe(["dev@example.com"]);
        message.Bcc.ShouldBeEmpty();
        message.Headers.Contains("Bcc").ShouldBeFalse();
        message.Subject.ShouldBe("[Nightshift] failed: Fix it Bcc: attacker@evil.example (acme/web)");
        message.Subject!.Any(char.IsControl).ShouldBeFalse();
    }

    [Fact]
    public async Task SendAsync_HtmlInTitleAndReason_IsEncodedInTheHtmlBody()
    {
        await using var sink = await SmtpSink.StartAsync();

        await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"),
            NotificationSamples.Delivery(NotificationSamples.Payload(
                title: "<script>alert('x')</script><img src=x onerror=alert(1)>",
                reason: "<a href=\"javascript:alert(1)\">details</a>",
                taskUrl: "javascript:alert(1)")),
            TestDefaults.TimeoutToken());

        var html = sink.Received.ShouldHaveSingleItem().Message.HtmlBody!;
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("<img");
        html.ShouldNotContain("<a href=\"javascript:");
        html.ShouldNotContain("href=\"javascript");
        html.ShouldContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        html.ShouldContain("&lt;a href=&quot;javascript:alert(1)&quot;&gt;details&lt;/a&gt;");
    }

    [Fact]
    public async Task SendAsync_OversizedTitleAndReason_AreClipped()
    {
        await using var sink = await SmtpSink.StartAsync();

        await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"),
            NotificationSamples.Delivery(NotificationSamples.Payload(title: new string('t', 50_000), reason: new string('r', 100_000))),
            TestDefaults.TimeoutToken());

        var message = sink.Received.ShouldHaveSingleItem().Message;
        message.Subject!.Length.ShouldBeLessThanOrEqualTo(EmailComposer.MaxSubjectLength);
        message.Subject.ShouldEndWith("… (acme/web)");
        message.TextBody!.Length.ShouldBeLessThan(5_000);
    }

    [Fact]
    public async Task SendAsync_Sink451_IsRetryableWithTheReply()
    {
        await using var sink = await SmtpSink.StartAsync(() => new SmtpResponse((SmtpReplyCode)451, "4.3.0 try again later"));

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.StatusCode.ShouldBe(451);
        result.Error!.ShouldContain("451");
        result.ResponseExcerpt!.ShouldContain("try again later");
    }

    [Fact]
    public async Task SendAsync_Sink550_IsRefused()
    {
        await using var sink = await SmtpSink.StartAsync(() => new SmtpResponse((SmtpReplyCode)550, "5.6.0 content rejected"));

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.StatusCode.ShouldBe(550);
        result.Error!.ShouldContain("permanent");
    }

    [Fact]
    public async Task SendAsync_Sink554With57_IsRefusedPointingAtTheLogin()
    {
        await using var sink = await SmtpSink.StartAsync(() => new SmtpResponse((SmtpReplyCode)554, "5.7.1 sender not allowed"));

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("Notifications:Email:Username/Password");
    }

    [Fact]
    public async Task SendAsync_NobodyListening_IsRetryable()
    {
        var result = await Sender(SmtpSink.FreePort()).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.StatusCode.ShouldBeNull();
        result.Error!.ShouldContain("SMTP server 127.0.0.1");
    }

    [Fact]
    public async Task SendAsync_RightLogin_IsDelivered()
    {
        await using var sink = await SmtpSink.StartAsync(username: "nightshift", password: FakePassword);

        var result = await Sender(sink.Port, "nightshift", FakePassword).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered, result.Error);
        sink.Logins.ShouldHaveSingleItem().ShouldBe(("nightshift", FakePassword));
    }

    [Fact]
    public async Task SendAsync_WrongPassword_RefusedNamingTheSettingsWithoutThePassword()
    {
        await using var sink = await SmtpSink.StartAsync(username: "nightshift", password: "the-right-fake-password");

        var result = await Sender(sink.Port, "nightshift", FakePassword).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("Notifications:Email:Username/Password");
        result.Error!.ShouldNotContain(FakePassword);
        (result.ResponseExcerpt ?? "").ShouldNotContain(FakePassword);
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public void Excerpt_ServerEchoesThePasswordInAnyForm_CutsItOut()
    {
        var settings = new EmailNotificationOptions { Username = "nightshift", Password = FakePassword };
        var plain = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0nightshift\0{FakePassword}"));

        var excerpt = EmailSender.Excerpt($"535 bad login {FakePassword} {plain}", settings);

        excerpt.ShouldNotContain(FakePassword);
        excerpt.ShouldNotContain(plain);
        excerpt.ShouldContain("[password]");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"type\":\"task.failed\"}")]
    [InlineData("{\"type\":\"task.failed\",\"data\":{\"task\":\"t_1\"}}")]
    [InlineData("{\"type\":42,\"data\":{\"task\":{\"id\":\"t_1\",\"repo\":\"r\"}}}")]
    [InlineData("{\"type\":\"task.failed\",\"data\":{\"task\":{\"id\":null,\"repo\":\"r\"}}}")]
    [InlineData("{\"type\":\"task.failed\",\"data\":{\"task\":{\"id\":\"t_1\",\"repo\":\"r\"")]
    public async Task SendAsync_MalformedPayload_IsRefusedWithoutSending(string payload)
    {
        await using var sink = await SmtpSink.StartAsync();

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(payload), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("payload");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_ThisServerHasNoSmtpHost_IsRetryableNamingTheSetting()
    {
        var sender = new EmailSender(Options.Create(new NotificationOptions()), NullLogger<EmailSender>.Instance);

        var result = await sender.SendAsync(
            NotificationSamples.Email("dev@example.com"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.Error!.ShouldContain("Notifications:Email:Host");
    }

    [Fact]
    public async Task SendAsync_HostileRecipientOnTheEndpoint_IsRefusedWithoutSending()
    {
        await using var sink = await SmtpSink.StartAsync();

        var result = await Sender(sink.Port).SendAsync(
            NotificationSamples.Email("dev@example.com\r\nBcc: attacker@evil.example"), NotificationSamples.Delivery(NotificationSamples.Payload()), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("Notifications:Email:Recipients");
        sink.Received.ShouldBeEmpty();
    }

    private static EmailSender Sender(int port, string? username = null, string? password = null)
    {
        var options = new NotificationOptions();
        options.Email.Host = "127.0.0.1";
        options.Email.Port = port;
        options.Email.Security = EmailNotificationOptions.None;
        options.Email.From = "Nightshift <nightshift@example.com>";
        options.Email.Username = username;
        options.Email.Password = password;
        options.Email.Timeout = TimeSpan.FromSeconds(10);
        return new EmailSender(Options.Create(options), NullLogger<EmailSender>.Instance);
    }
}
