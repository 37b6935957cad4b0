using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Nightshift.Server.Tests.Outbound;

public sealed class WebhookSenderTests
{
    [Fact]
    public void Sign_SpecificationTestVector_GivesThePublishedSignature()
    {
        var signature = WebhookSigner.Sign(
            ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            DateTimeOffset.FromUnixTimeSeconds(1614265330),
            """{"test": 2432232314}""");

        signature.ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void Sign_AnyMessage_IsHmacSha256OfIdTimestampAndBody()
    {
        var key = Convert.FromBase64String(OutboundTestData.SecretOne["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("msg_x.1700000000.{\"é\":1}")));

        WebhookSigner.Sign([OutboundTestData.SecretOne], "msg_x", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "{\"é\":1}").ShouldBe(expected);
    }

    [Fact]
    public void Sign_TwoSecretsAndAMalformedOne_SignsWithEachGoodOneSpaceSeparated()
    {
        var signature = WebhookSigner.Sign([OutboundTestData.SecretOne, "whsec_%%%not-base64%%%", OutboundTestData.SecretTwo], "msg_x", DateTimeOffset.UnixEpoch, "{}");

        signature.Split(' ').Distinct().Count().ShouldBe(2);
        signature.Split(' ').ShouldAllBe(s => s.StartsWith("v1,", StringComparison.Ordinal));
    }

    [Fact]
    public void Sign_SeveralSecrets_RepeatsTheFirstSignatureLastForThePackageVerifier()
    {
        var timestamp = DateTimeOffset.UtcNow;
        var parts = WebhookSigner.Sign([OutboundTestData.SecretOne, OutboundTestData.SecretTwo], "msg_x", timestamp, "{}").Split(' ');
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = "msg_x",
            ["webhook-timestamp"] = timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = $"{parts[0]} {parts[1]}",
        };

        parts.Length.ShouldBe(3);
        parts[2].ShouldBe(parts[0]);
        // Why the repeat: without it the package's verifier skips the last signature, so the newest secret fails.
        new StandardWebhook(OutboundTestData.SecretOne).Verify("{}", headers);
        Should.Throw<WebhookVerificationException>(() => new StandardWebhook(OutboundTestData.SecretTwo).Verify("{}", headers));
    }

    [Fact]
    public void Sign_OneSecret_IsOneSignature() =>
        WebhookSigner.Sign([OutboundTestData.SecretOne], "msg_x", DateTimeOffset.UnixEpoch, "{}").Split(' ').Length.ShouldBe(1);

    [Fact]
    public void Sign_NoUsableSecret_IsEmpty() =>
        WebhookSigner.Sign(["whsec_***", ""], "msg_x", DateTimeOffset.UnixEpoch, "{}").ShouldBeEmpty();

    [Fact]
    public async Task SendAsync_TwoActiveSecrets_ReceiverVerifiesWithEitherAndSeesTheHeaders()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());
        var now = DateTimeOffset.UtcNow;
        var endpoint = OutboundTestData.Endpoint(receiver.Url,
            new OutboundSecret("sec_1", OutboundTestData.SecretOne, now, null),
            new OutboundSecret("sec_2", OutboundTestData.SecretTwo, now, now.AddHours(1)));
        var payload = """{"type":"task.succeeded","timestamp":"2026-01-01T00:00:00Z","data":{"task":{"title":"Fix ünïcode"}}}""";

        var result = await OutboundTestData.Sender(services).SendAsync(endpoint, OutboundTestData.Delivery(payload, "msg_verify01"), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered);
        result.StatusCode.ShouldBe(204);
        var got = receiver.Received.ShouldHaveSingleItem();
        got.Method.ShouldBe("POST");
        got.Body.ShouldBe(payload);
        got.Id.ShouldBe("msg_verify01");
        got.Headers.ContentType.ToString().ShouldStartWith("application/json");
        got.Headers.UserAgent.ToString().ShouldBe(WebhookSender.UserAgent);
        long.Parse(got.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(now.ToUnixTimeSeconds() - 5, now.ToUnixTimeSeconds() + 5);
        got.Headers["webhook-signature"].ToString().Split(' ').Distinct().Count().ShouldBe(2);
        new StandardWebhook(OutboundTestData.SecretOne).Verify(got.Body, got.Headers);
        new StandardWebhook(OutboundTestData.SecretTwo).Verify(got.Body, got.Headers);
        var stranger = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("some-other-fake-secret-for-tests"));
        Should.Throw<WebhookVerificationException>(() => new StandardWebhook(stranger).Verify(got.Body, got.Headers));
        Should.Throw<WebhookVerificationException>(() => new StandardWebhook(OutboundTestData.SecretOne).Verify(got.Body + " ", got.Headers));
    }

    [Fact]
    public async Task SendAsync_ExpiredSecret_DoesNotSign()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());
        var now = DateTimeOffset.UtcNow;
        var endpoint = OutboundTestData.Endpoint(receiver.Url,
            new OutboundSecret("sec_old", OutboundTestData.SecretOne, now.AddDays(-2), now.AddMinutes(-1)),
            new OutboundSecret("sec_new", OutboundTestData.SecretTwo, now, null));

        (await OutboundTestData.Sender(services).SendAsync(endpoint, OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken())).Status.ShouldBe(SendStatus.Delivered);

        var got = receiver.Received.ShouldHaveSingleItem();
        got.Headers["webhook-signature"].ToString().Split(' ').Length.ShouldBe(1);
        new StandardWebhook(OutboundTestData.SecretTwo).Verify(got.Body, got.Headers);
        Should.Throw<WebhookVerificationException>(() => new StandardWebhook(OutboundTestData.SecretOne).Verify(got.Body, got.Headers));
    }

    [Fact]
    public async Task SendAsync_OnlyExpiredSecrets_IsRefusedWithoutSending()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());
        var past = DateTimeOffset.UtcNow.AddDays(-1);
        var endpoint = OutboundTestData.Endpoint(receiver.Url, new OutboundSecret("sec_old", OutboundTestData.SecretOne, past.AddDays(-1), past));

        var result = await OutboundTestData.Sender(services).SendAsync(endpoint, OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("no active signing secret");
        receiver.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(200, SendStatus.Delivered)]
    [InlineData(202, SendStatus.Delivered)]
    [InlineData(410, SendStatus.Gone)]
    [InlineData(408, SendStatus.Retryable)]
    [InlineData(429, SendStatus.Retryable)]
    [InlineData(500, SendStatus.Retryable)]
    [InlineData(503, SendStatus.Retryable)]
    [InlineData(400, SendStatus.Refused)]
    [InlineData(401, SendStatus.Refused)]
    [InlineData(404, SendStatus.Refused)]
    [InlineData(301, SendStatus.Refused)]
    [InlineData(304, SendStatus.Refused)]
    public async Task SendAsync_ReceiverAnswers_IsClassified(int status, SendStatus expected)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, context) =>
        {
            context.Response.StatusCode = status;
            if (status != 304)
            {
                await context.Response.WriteAsync("receiver says " + status);
            }
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(expected);
        result.StatusCode.ShouldBe(status);
        if (expected == SendStatus.Delivered)
        {
            result.Error!.ShouldBeNull();
        }
        else
        {
            result.Error!.ShouldContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (status != 304)
        {
            result.ResponseExcerpt.ShouldBe("receiver says " + status);
        }
    }

    [Fact]
    public async Task SendAsync_Redirect_IsNotFollowedAndSaysToUseTheFinalUrl()
    {
        await using var second = await WebhookReceiver.StartAsync();
        await using var first = await WebhookReceiver.StartAsync();
        first.Answer = (_, context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = second.Url.AbsoluteUri + "?token=fake-secret-token";
            return Task.CompletedTask;
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(first.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.StatusCode.ShouldBe(302);
        result.Error!.ShouldContain("redirects are not followed");
        result.Error!.ShouldContain("final URL");
        result.Error!.ShouldNotContain("fake-secret-token");
        first.Received.Count.ShouldBe(1);
        second.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_RetryAfterSeconds_IsReported()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.RetryAfter.ShouldBe(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task SendAsync_RetryAfterDate_IsReportedAsTheWaitUntilThen()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var until = DateTimeOffset.UtcNow.AddMinutes(10);
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = until.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.RetryAfter!.Value.ShouldBeInRange(TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.1));
    }

    [Theory]
    [InlineData("999999999", 24 * 60)]
    [InlineData("-5", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    public async Task SendAsync_HostileRetryAfter_IsCappedOrIgnored(string header, int? expectedMinutes)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, context) =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = header;
            return Task.CompletedTask;
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.RetryAfter.ShouldBe(expectedMinutes is null ? null : TimeSpan.FromMinutes(expectedMinutes.Value));
    }

    [Fact]
    public async Task SendAsync_HugeAnswer_KeepsAnExcerptOfAtMostOneKibibyte()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, context) =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync(new string('x', 5_000_000) + "\u0000\u0007");
        };
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.ResponseExcerpt!.Length.ShouldBe(OutboundAttempt.MaxExcerptLength);
    }

    [Fact]
    public async Task SendAsync_NothingListening_IsRetryableSayingItCouldNotConnect()
    {
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());
        var url = new Uri($"http://127.0.0.1:{WebhookReceiver.ClosedPort()}/hook");

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.StatusCode.ShouldBeNull();
        result.Error!.ShouldContain("could not reach");
    }

    [Fact]
    public async Task SendAsync_ReceiverHangs_TimesOutAsRetryable()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, context) => await release.Task.WaitAsync(context.RequestAborted);
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback(("Outbound:Timeout", "00:00:00.500")));
        try
        {
            var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

            result.Status.ShouldBe(SendStatus.Retryable);
            result.Error!.ShouldContain("did not answer within 0.5 s");
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsInsteadOfReportingAnAttempt()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, context) => await release.Task.WaitAsync(context.RequestAborted);
        await using var services = OutboundTestData.Services(OutboundTestData.AllowLoopback());
        using var cancel = new CancellationTokenSource();
        try
        {
            var sending = OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), cancel.Token);
            await TestKit.TestDefaults.WaitUntilAsync(() => receiver.Received.Count == 1, "the request arrived");
            await cancel.CancelAsync();

            await Should.ThrowAsync<OperationCanceledException>(sending);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task SendAsync_LoopbackNotAllowed_IsRefusedAndNothingArrives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = OutboundTestData.Services();

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(receiver.Url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        result.Error!.ShouldContain("loopback");
        result.Error!.ShouldContain("Outbound:AllowedHosts");
        receiver.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook")]
    [InlineData("http://2130706433:{0}/hook")]
    [InlineData("http://localhost:{0}/hook")]
    public async Task SendAsync_LoopbackInDisguise_IsRefusedAndNothingArrives(string template)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = OutboundTestData.Services();
        var url = new Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, receiver.Port));

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(url), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_RebindingName_ConnectsOnlyToTheCheckedAnswerAndNeverReachesLoopback()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // First answer public (TEST-NET-1: never routed, so the try fails), then 127.0.0.1: a guard that checked one
        // answer and let the client resolve again would land on the receiver.
        var resolver = new SequenceResolver([IPAddress.Parse("192.0.2.1")], [IPAddress.Loopback]);
        await using var services = OutboundTestData.Services(new Dictionary<string, string?> { ["Outbound:Timeout"] = "00:00:01" }, resolver);
        var endpoint = OutboundTestData.Endpoint(new Uri($"http://rebinding.example:{receiver.Port}/hook"));
        var sender = OutboundTestData.Sender(services);

        var first = await sender.SendAsync(endpoint, OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());
        var second = await sender.SendAsync(endpoint, OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        first.Status.ShouldBe(SendStatus.Retryable);
        resolver.Calls.ShouldBe(2);
        second.Status.ShouldBe(SendStatus.Refused);
        second.Error!.ShouldContain("rebinding.example resolves to 127.0.0.1, a loopback address");
        receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_NameWithOnePrivateAnswerAmongPublicOnes_IsRefused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var resolver = new SequenceResolver([IPAddress.Parse("8.8.8.8"), IPAddress.Loopback]);
        await using var services = OutboundTestData.Services(resolver: resolver);

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(new Uri($"http://mixed.example:{receiver.Port}/")), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
        receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_NameOnTheAllowList_ReachesItsPrivateAddress()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var resolver = new SequenceResolver([IPAddress.Loopback]);
        await using var services = OutboundTestData.Services(new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = "receiver.internal" }, resolver);

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(new Uri($"http://receiver.internal:{receiver.Port}/hook")), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Delivered);
        receiver.Received.ShouldHaveSingleItem().Headers.Host.ToString().ShouldBe($"receiver.internal:{receiver.Port}");
    }

    [Fact]
    public async Task SendAsync_NameThatDoesNotResolve_IsRetryable()
    {
        var resolver = new SequenceResolver([]);
        await using var services = OutboundTestData.Services(resolver: resolver);

        var result = await OutboundTestData.Sender(services).SendAsync(OutboundTestData.Endpoint(new Uri("http://nowhere.example/")), OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Retryable);
        result.Error!.ShouldContain("could not resolve nowhere.example");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ftp://example.com/")]
    [InlineData("not a url")]
    public async Task SendAsync_EndpointWithoutHttpUrl_IsRefused(string? url)
    {
        await using var services = OutboundTestData.Services();
        var endpoint = OutboundTestData.Endpoint(new Uri("http://example.com/")) with { Url = url };

        var result = await OutboundTestData.Sender(services).SendAsync(endpoint, OutboundTestData.Delivery(), TestKit.TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SendStatus.Refused);
    }
}
