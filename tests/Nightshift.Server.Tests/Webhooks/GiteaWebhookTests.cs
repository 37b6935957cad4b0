using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Forges.Conversation;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Webhooks;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary><c>POST /webhooks/gitea</c> on a real server over HTTP: signature, size, headers, and the hand-off to the intake.</summary>
public sealed class GiteaWebhookTests
{
    private const string Secret = "a Gitea webhook secret, long enough";

    private sealed class Hook : IAsyncDisposable
    {
        private readonly TempDirectory _data;

        public Hook(TempDirectory data, RunningServer server, RecordingWebhookIntake? intake)
        {
            _data = data;
            Server = server;
            Intake = intake;
            Anonymous = server.CreateClient(token: null);
        }

        public RunningServer Server { get; }

        public RecordingWebhookIntake? Intake { get; }

        public HttpClient Anonymous { get; }

        public async Task<HttpResponseMessage> SendAsync(string body, string? delivery = "d-1", string? eventName = "issues", string? eventType = "issue_label", string? signature = "sign") =>
            await SendAsync(Encoding.UTF8.GetBytes(body), delivery, eventName, eventType, signature);

        public async Task<HttpResponseMessage> SendAsync(byte[] body, string? delivery = "d-1", string? eventName = "issues", string? eventType = "issue_label", string? signature = "sign")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            Add(request, GiteaWebhookHandler.DeliveryHeader, delivery);
            Add(request, GiteaWebhookHandler.EventHeader, eventName);
            Add(request, GiteaWebhookHandler.EventTypeHeader, eventType);
            Add(request, GiteaSignature.Header, signature == "sign" ? GiteaSignature.Compute(Secret, body) : signature);
            return await Anonymous.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            Anonymous.Dispose();
            await Server.DisposeAsync();
            _data.Dispose();
        }

        private static void Add(HttpRequestMessage request, string name, string? value)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    private static async Task<Hook> StartAsync(object? gitea = null, bool withIntake = true)
    {
        var data = new TempDirectory();
        try
        {
            var settings = new
            {
                Webhooks = new { Gitea = gitea ?? new { Secret } },
                Forges = new { gitea = new { Kind = "gitea", Host = GiteaPayloads.Host, Token = "test-token-never-used" } },
            };
            await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(settings));
            var intake = withIntake ? new RecordingWebhookIntake() : null;
            var server = await RunningServer.StartAsync(
                services: s =>
                {
                    if (intake is not null)
                    {
                        s.AddSingleton<IWebhookIntake>(intake);
                    }
                },
                dataDirectory: data.Path);
            return new Hook(data, server, intake);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    private static async Task<JsonElement> ReceiptAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await ApiCalls.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Post_LabelUpdated_HandsTheIssueLabelledTriggerToTheIntake()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.LabelUpdated(), "5e1a-delivery");
        var receipt = await ReceiptAsync(response);

        receipt.GetProperty("status").GetString().ShouldBe("queued");
        receipt.GetProperty("taskId").GetString().ShouldBe("task-5e1a-delivery");
        response.Headers.Location!.ToString().ShouldBe("/api/v1/tasks/task-5e1a-delivery");
        var accepted = hook.Intake!.Deliveries["5e1a-delivery"];
        accepted.Forge.ShouldBe("gitea");
        accepted.EventName.ShouldBe("issue_label");
        var trigger = accepted.Trigger.ShouldNotBeNull();
        trigger.Kind.ShouldBe(TriggerKind.IssueLabelled);
        trigger.Thread.ShouldBe(new ForgeThread(ForgeThreadKind.Issue, 7));
        trigger.RepositoryUrl.ShouldBe(GiteaPayloads.CloneUrl);
    }

    [Fact]
    public async Task Post_ReviewComment_HandsTheReviewToTheIntake()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.Reviewed("pull_request_review_comment"), "d-review", "pull_request_comment", "pull_request_review_comment");
        await ReceiptAsync(response);

        var trigger = hook.Intake!.Deliveries["d-review"].Trigger.ShouldNotBeNull();
        trigger.Kind.ShouldBe(TriggerKind.Review);
        trigger.HeadBranch.ShouldBe(GiteaPayloads.Branch);
    }

    [Fact]
    public async Task Post_EventThatAsksNothing_IsRecordedAsIgnoredWithTheReason()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.Status("error"), "d-status", "status", "status");
        var receipt = await ReceiptAsync(response);

        receipt.GetProperty("status").GetString().ShouldBe("ignored");
        receipt.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("Workflow Job");
        hook.Intake!.Deliveries["d-status"].Trigger.ShouldBeNull();
    }

    [Fact]
    public async Task Post_OldGiteaWithoutEventType_IsReadFromTheEventName()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.IssueComment(), "d-old", "issue_comment", eventType: null);
        await ReceiptAsync(response);

        hook.Intake!.Deliveries["d-old"].Trigger.ShouldNotBeNull().Kind.ShouldBe(TriggerKind.Comment);
        hook.Intake.Deliveries["d-old"].EventName.ShouldBe("issue_comment");
    }

    [Fact]
    public async Task Post_SameDeliveryTwice_IsHandedOverTwiceAndTheIntakeSaysDuplicate()
    {
        await using var hook = await StartAsync();

        (await ReceiptAsync(await hook.SendAsync(GiteaPayloads.LabelUpdated(), "d-twice"))).GetProperty("status").GetString().ShouldBe("queued");
        (await ReceiptAsync(await hook.SendAsync(GiteaPayloads.LabelUpdated(), "d-twice"))).GetProperty("status").GetString().ShouldBe("duplicate");

        hook.Intake!.Deliveries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Post_TamperedBody_Is401AndHandsNothingOver()
    {
        await using var hook = await StartAsync();
        var signature = GiteaSignature.Compute(Secret, Encoding.UTF8.GetBytes(GiteaPayloads.LabelUpdated()));

        using var response = await hook.SendAsync(GiteaPayloads.LabelUpdated(cloneUrl: "https://gitea.example.com/acme/other.git"), "d-tampered", signature: signature);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_WrongSecretOrMissingOrMalformedSignature_AllGetTheSame401WithoutAHint()
    {
        await using var hook = await StartAsync();
        var body = Encoding.UTF8.GetBytes(GiteaPayloads.LabelUpdated());
        var right = GiteaSignature.Compute(Secret, body);
        var signatures = new[]
        {
            GiteaSignature.Compute("another secret, sixteen+ chars", body), null, "", "sha256=" + right, right.ToUpperInvariant()[..63],
            new string('g', 64), right + "00", new string('x', 5000), right[..62] + "+/",
        };

        var answers = new List<string>();
        foreach (var signature in signatures)
        {
            using var response = await hook.SendAsync(body, "d-unsigned", signature: signature);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, signature);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            answers.Add(problem.RootElement.GetProperty("title").GetString() + "|" + problem.RootElement.GetProperty("detail").GetString());
        }

        answers.Distinct().ShouldHaveSingleItem();
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_UppercaseHexSignature_IsAccepted()
    {
        await using var hook = await StartAsync();
        var body = Encoding.UTF8.GetBytes(GiteaPayloads.LabelUpdated());

        using var response = await hook.SendAsync(body, "d-upper", signature: GiteaSignature.Compute(Secret, body).ToUpperInvariant());

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Post_BodyOverTheCap_Is413WithOrWithoutContentLength()
    {
        await using var hook = await StartAsync(new { Secret, MaxBodyBytes = 4096 });
        var huge = new byte[4097];
        huge.AsSpan().Fill((byte)' ');

        using var declared = await hook.SendAsync(huge, "d-huge");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new StreamContent(new MemoryStream(huge)) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.TryAddWithoutValidation(GiteaSignature.Header, GiteaSignature.Compute(Secret, huge));
        using var streamed = await hook.Anonymous.SendAsync(chunked);

        declared.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await declared.Content.ReadAsStringAsync()).ShouldContain("Webhooks:Gitea:MaxBodyBytes");
        streamed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"action\":")]
    public async Task Post_MalformedJson_Is400AndHandsNothingOver(string body)
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(body, "d-bad");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("JSON");
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_DeeplyNestedJson_Is400()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(new string('[', 200) + new string(']', 200), "d-deep");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_TriggerMissingFields_Is400NamingTheField()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync("""{"action":"label_updated","issue":{"number":7,"labels":[{"name":"nightshift"}]}}""", "d-missing");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("repository");
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "issues", "X-Gitea-Delivery")]
    [InlineData("", "issues", "X-Gitea-Delivery")]
    [InlineData("d 1", "issues", "X-Gitea-Delivery")]
    [InlineData("d-1\u0001", "issues", "X-Gitea-Delivery")]
    [InlineData("d-1", null, "X-Gitea-Event")]
    [InlineData("d-1", "issues;rm -rf", "X-Gitea-Event")]
    public async Task Post_MissingOrHostileDeliveryHeaders_Is400NamingTheHeader(string? delivery, string? eventName, string header)
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.LabelUpdated(), delivery, eventName);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(header);
    }

    [Fact]
    public async Task Post_HostileEventType_Is400()
    {
        await using var hook = await StartAsync();

        using var response = await hook.SendAsync(GiteaPayloads.LabelUpdated(), "d-1", "issues", new string('x', 500));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("X-Gitea-Event-Type");
    }

    [Fact]
    public async Task Post_NoSecretConfigured_Is404AndNamesTheSetting()
    {
        await using var hook = await StartAsync(new { Label = "nightshift" });

        using var response = await hook.SendAsync(GiteaPayloads.LabelUpdated(), "d-off");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Webhooks:Gitea:Secret");
        hook.Intake!.Deliveries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("short", "nightshift", 1048576)]
    [InlineData(Secret, "", 1048576)]
    [InlineData(Secret, "night\nshift", 1048576)]
    [InlineData(Secret, "night,shift", 1048576)]
    [InlineData(Secret, "nightshift", 10)]
    [InlineData(Secret, "nightshift", 1073741824)]
    public async Task Start_UnusableGiteaWebhookSettings_FailsNamingTheSetting(string secret, string label, long maxBodyBytes)
    {
        var error = await Should.ThrowAsync<Exception>(() => StartAsync(new { Secret = secret, Label = label, MaxBodyBytes = maxBodyBytes }));

        error.Message.ShouldContain("Webhooks:Gitea:");
        error.Message.ShouldNotContain("long enough");
    }
}
