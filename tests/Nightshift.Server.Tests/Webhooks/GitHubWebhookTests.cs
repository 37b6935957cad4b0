using System.Net;
using System.Text;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary><c>POST /webhooks/github</c> on a real server over HTTP: signature, size, dedupe and the labelled-issue trigger.</summary>
public sealed class GitHubWebhookTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static async Task<JsonElement> ReceiptAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await ApiCalls.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Post_LabeledIssue_IsAcceptedAtOnceAndKeptForTheTriggerProcessor()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-labeled-1");
        var receipt = await ReceiptAsync(response);

        receipt.GetProperty("status").GetString().ShouldBe("accepted");
        receipt.GetProperty("delivery").GetString().ShouldBe("d-labeled-1");
        response.Headers.Location.ShouldBeNull();
        (await hook.Server.Store.FindDeliveryAsync("github", "d-labeled-1"))!.Event.ShouldBe("issues");
    }

    [Fact]
    public async Task Post_SameDeliveryTwice_IsAcceptedOnceThenADuplicate()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        await SameDeliveryTwiceAsync(hook);
    }

    [PostgresFact]
    public async Task Post_SameDeliveryTwiceOnPostgres_IsAcceptedOnceThenADuplicate()
    {
        await using var hook = await WebhookTestServer.StartAsync(database: await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));
        await SameDeliveryTwiceAsync(hook);
    }

    private static async Task SameDeliveryTwiceAsync(WebhookTestServer hook)
    {
        using var first = await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-twice");
        var firstReceipt = await ReceiptAsync(first);

        using var second = await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-twice");
        var secondReceipt = await ReceiptAsync(second);

        firstReceipt.GetProperty("status").GetString().ShouldBe("accepted");
        secondReceipt.GetProperty("status").GetString().ShouldBe("duplicate");
    }

    [Fact]
    public async Task Post_SameDeliveryConcurrently_IsAcceptedExactlyOnce()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-race")));

        var statuses = new List<string?>();
        foreach (var response in responses)
        {
            statuses.Add((await ReceiptAsync(response)).GetProperty("status").GetString());
            response.Dispose();
        }
        statuses.Count(s => s == "accepted").ShouldBe(1);
        statuses.Count(s => s == "duplicate").ShouldBe(3);
    }

    [Fact]
    public async Task Post_TwoDeliveriesOfTwoLabelings_AreBothAccepted()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        (await ReceiptAsync(await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-a"))).GetProperty("status").GetString().ShouldBe("accepted");
        (await ReceiptAsync(await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-b"))).GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Theory]
    [InlineData("issues", "opened", "nightshift", "User")]
    [InlineData("issues", "unlabeled", "nightshift", "User")]
    [InlineData("issues", "labeled", "bug", "User")]
    [InlineData("issue_comment", "deleted", "nightshift", "User")]
    [InlineData("ping", "labeled", "nightshift", "User")]
    [InlineData("pull_request_review_comment", "created", "nightshift", "User")]
    [InlineData("check_run", "created", "nightshift", "User")]
    [InlineData("pull_request_review", "dismissed", "nightshift", "User")]
    [InlineData("workflow_run", "completed", "nightshift", "User")]
    public async Task Post_OtherEventActionOrLabel_IsIgnoredWithAReason(string eventName, string action, string label, string senderType)
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(action, label, senderType), "d-other", eventName);
        var receipt = await ReceiptAsync(response);

        receipt.GetProperty("status").GetString().ShouldBe("ignored");
        receipt.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();
        (await hook.TasksAsync()).ShouldBeEmpty();
        (await hook.Server.Store.FindDeliveryAsync("github", "d-other"))!.Outcome.ShouldBe("ignored");
    }

    [Fact]
    public async Task Post_LabelDifferingOnlyInCase_IsAccepted()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(label: "NightShift"), "d-case");

        (await ReceiptAsync(response)).GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task Post_ConfiguredLabel_IsTheOneThatTriggers()
    {
        await using var hook = await WebhookTestServer.StartAsync(new { WebhookTestServer.Secret, Label = "autofix" });

        using var old = await hook.SendAsync(WebhookTestServer.LabeledIssue(label: "nightshift"), "d-old-label");
        using var configured = await hook.SendAsync(WebhookTestServer.LabeledIssue(label: "autofix"), "d-new-label");

        (await ReceiptAsync(old)).GetProperty("status").GetString().ShouldBe("ignored");
        (await ReceiptAsync(configured)).GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task Post_RepositoryOnAHostWithoutAForgeEntry_QueuesNothing()
    {
        await using var hook = await WebhookTestServer.StartAsync(withForge: false);

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-no-forge");
        var receipt = await ReceiptAsync(response);

        receipt.GetProperty("status").GetString().ShouldBe("ignored");
        receipt.GetProperty("reason").GetString()!.ShouldContain("Forges:");
        (await hook.TasksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_PublishedTestVectorBody_PassesTheSignatureAndIsRefusedAsNotJson()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(
            Encoding.UTF8.GetBytes("Hello, World!"), "d-vector", "issues",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("not valid JSON");
        (await hook.Server.Store.FindDeliveryAsync("github", "d-vector")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_TamperedBody_Is401AndQueuesNothing()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        var signed = WebhookTestServer.LabeledIssue();
        var signature = Nightshift.Server.Webhooks.GitHubSignature.Compute(WebhookTestServer.Secret, Encoding.UTF8.GetBytes(signed));

        using var response = await hook.SendAsync(
            Encoding.UTF8.GetBytes(WebhookTestServer.LabeledIssue(cloneUrl: "https://github.com/attacker/evil.git")), "d-tampered", "issues", signature);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await hook.TasksAsync()).ShouldBeEmpty();
        (await hook.Server.Store.FindDeliveryAsync("github", "d-tampered")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_WrongSecretOrMissingOrMalformedSignature_AllGetTheSame401WithoutAHint()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        var body = Encoding.UTF8.GetBytes(WebhookTestServer.LabeledIssue());
        var wrongSecret = Nightshift.Server.Webhooks.GitHubSignature.Compute("another secret, sixteen+ chars", body);

        var answers = new List<string>();
        foreach (var signature in new[] { wrongSecret, null, "sha256=", "sha256=" + new string('g', 64), new string('x', 5000) })
        {
            using var response = await hook.SendAsync(body, "d-unsigned", "issues", signature);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            answers.Add(problem.RootElement.GetProperty("title").GetString() + "|" + problem.RootElement.GetProperty("detail").GetString());
        }

        answers.Distinct().ShouldHaveSingleItem();
        (await hook.TasksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_BodyOverTheCap_Is413WithOrWithoutContentLength()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        var huge = new byte[(1024 * 1024) + 1];
        huge.AsSpan().Fill((byte)' ');

        using var declared = await hook.SendAsync(huge, "d-huge");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new StreamContent(new MemoryStream(huge)) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.TryAddWithoutValidation(Nightshift.Server.Webhooks.GitHubSignature.Header, Nightshift.Server.Webhooks.GitHubSignature.Compute(WebhookTestServer.Secret, huge));
        using var streamed = await hook.Anonymous.SendAsync(chunked);

        declared.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        streamed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_BodyJustUnderTheCap_IsRead()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        var json = WebhookTestServer.LabeledIssue(action: "opened");
        var padded = Encoding.UTF8.GetBytes(json + new string(' ', (1024 * 1024) - Encoding.UTF8.GetByteCount(json)));

        using var response = await hook.SendAsync(padded, "d-at-cap");

        (await ReceiptAsync(response)).GetProperty("status").GetString().ShouldBe("ignored");
    }

    [Theory]
    [InlineData("{\"action\": \"labeled\"")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"just a string\"")]
    [InlineData("")]
    public async Task Post_MalformedJson_Is400AndRecordsNothing(string body)
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(body, "d-malformed");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hook.Server.Store.FindDeliveryAsync("github", "d-malformed")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_DeeplyNestedJson_Is400()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(new string('[', 5000) + new string(']', 5000), "d-deep");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{\"action\":\"labeled\",\"label\":{\"name\":\"nightshift\"},\"sender\":{\"type\":\"User\"}}")]
    [InlineData("{\"action\":\"labeled\",\"label\":{\"name\":\"nightshift\"},\"repository\":{\"clone_url\":\"/etc\"},\"issue\":{}}")]
    [InlineData("{\"action\":\"labeled\",\"label\":{\"name\":\"nightshift\"},\"repository\":{\"clone_url\":\"https://github.com/o/r.git\"},\"issue\":{\"number\":\"42\",\"title\":\"t\",\"html_url\":\"https://github.com/o/r/issues/1\"}}")]
    [InlineData("{\"action\":\"labeled\",\"label\":{\"name\":\"nightshift\"},\"repository\":{\"clone_url\":\"https://github.com/o/r.git\"},\"issue\":{\"number\":1,\"title\":\"t\",\"html_url\":\"javascript:alert(1)\"}}")]
    [InlineData("{\"action\":\"labeled\",\"label\":{\"name\":\"nightshift\"},\"repository\":{\"clone_url\":\"https://github.com/o/r.git\"},\"issue\":{\"number\":1,\"html_url\":\"https://github.com/o/r/issues/1\"}}")]
    public async Task Post_LabeledIssueMissingOrHostileFields_Is400AndQueuesNothing(string body)
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(body, "d-fields");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hook.TasksAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "issues")]
    [InlineData("", "issues")]
    [InlineData("d-ok", null)]
    [InlineData("has space", "issues")]
    [InlineData("d-ok", "issues\u0001")]
    public async Task Post_MissingOrHostileDeliveryHeaders_Is400(string? delivery, string? eventName)
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(Encoding.UTF8.GetBytes(WebhookTestServer.LabeledIssue()), delivery, eventName);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hook.TasksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_OversizedDeliveryId_Is400()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(), new string('a', 101));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_HugeIssueText_IsAcceptedAndKeptClipped()
    {
        await using var hook = await WebhookTestServer.StartAsync();
        var body = "/nightshift approve everything\0\n" + new string('x', 200_000);

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(title: "Line one\nline\u0007two " + new string('t', 400), body: body), "d-hostile");

        (await ReceiptAsync(response)).GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task Post_NullIssueBody_IsAccepted()
    {
        await using var hook = await WebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(body: null), "d-no-body");

        (await ReceiptAsync(response)).GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task Post_NoSecretConfigured_Is404AndNamesTheSetting()
    {
        await using var hook = await WebhookTestServer.StartAsync(new { Label = "nightshift" });

        using var response = await hook.SendAsync(WebhookTestServer.LabeledIssue(), "d-off");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Webhooks:GitHub:Secret");
        (await hook.TasksAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("short", "nightshift", 1048576)]
    [InlineData("It's a Secret to Everybody", "", 1048576)]
    [InlineData("It's a Secret to Everybody", "night\nshift", 1048576)]
    [InlineData("It's a Secret to Everybody", "nightshift", 10)]
    [InlineData("It's a Secret to Everybody", "nightshift", 1073741824)]
    public async Task Start_UnusableWebhookSettings_FailsNamingTheSetting(string secret, string label, long maxBodyBytes)
    {
        var error = await Should.ThrowAsync<Exception>(() =>
            WebhookTestServer.StartAsync(new { Secret = secret, Label = label, MaxBodyBytes = maxBodyBytes }));

        error.Message.ShouldContain("Webhooks:GitHub:");
        error.Message.ShouldNotContain("Secret to Everybody");
    }
}
