using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary><c>POST /webhooks/gitlab</c> on a real server over HTTP: the token, the size cap, the headers and the body's shape.</summary>
public sealed class GitLabWebhookTests
{
    private static readonly string Labelled = GitLabSamples.LabelledIssue().ToJsonString();

    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("title").GetString() + "|" + problem.RootElement.GetProperty("detail").GetString();
    }

    [Fact]
    public async Task Post_NoSecretConfigured_Is404SayingWhichSettingTurnsItOn()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync(gitlab: new { Label = "nightshift" });

        using var response = await hook.SendAsync(Labelled, "e-off");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Webhooks:GitLab:Secret");
    }

    [Fact]
    public async Task Post_WrongMissingOrRepeatedToken_AllGetTheSame401WithoutAHint()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();

        var answers = new List<string>();
        foreach (var token in new[] { "wrong-token-of-some-length", null, "", GitLabWebhookTestServer.Secret + "x", GitLabWebhookTestServer.Secret[..^1], new string('x', 5000), GitLabWebhookTestServer.Secret.ToUpperInvariant() })
        {
            using var response = await hook.SendAsync(Labelled, "e-unauth", token: token);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            answers.Add(await ProblemAsync(response));
        }
        using var twice = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab") { Content = new StringContent(Labelled, Encoding.UTF8, "application/json") };
        twice.Headers.TryAddWithoutValidation(GitLabWebhookHandler.TokenHeader, [GitLabWebhookTestServer.Secret, GitLabWebhookTestServer.Secret]);
        twice.Headers.TryAddWithoutValidation(GitLabWebhookHandler.EventHeader, "Issue Hook");
        twice.Headers.TryAddWithoutValidation(GitLabWebhookHandler.EventUuidHeader, "e-unauth");
        using var repeated = await hook.Anonymous.SendAsync(twice);
        repeated.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        answers.Add(await ProblemAsync(repeated));

        answers.Distinct().ShouldHaveSingleItem();
        answers[0].ShouldNotContain(GitLabWebhookTestServer.Secret);
        (await hook.Server.Store.FindDeliveryAsync("gitlab", "e-unauth")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_BodyOverTheCap_Is413WithOrWithoutContentLength()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync(gitlab: new { GitLabWebhookTestServer.Secret, MaxBodyBytes = 4096 });
        var huge = new byte[4097];
        huge.AsSpan().Fill((byte)' ');

        using var declared = await hook.SendAsync(huge, "e-huge");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab") { Content = new StreamContent(new MemoryStream(huge)) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.TryAddWithoutValidation(GitLabWebhookHandler.TokenHeader, GitLabWebhookTestServer.Secret);
        using var streamed = await hook.Anonymous.SendAsync(chunked);

        declared.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        streamed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await declared.Content.ReadAsStringAsync()).ShouldContain("Webhooks:GitLab:MaxBodyBytes");
    }

    [Theory]
    [InlineData("{\"object_kind\": \"issue\"")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"just a string\"")]
    [InlineData("")]
    [InlineData("<html>not json</html>")]
    public async Task Post_MalformedJson_Is400AndRecordsNothing(string body)
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(body, "e-malformed");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hook.Server.Store.FindDeliveryAsync("gitlab", "e-malformed")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_DeeplyNestedJson_Is400()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(new string('[', 5000) + new string(']', 5000), "e-deep");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(null, "Issue Hook")]
    [InlineData("", "Issue Hook")]
    [InlineData("has space", "Issue Hook")]
    [InlineData("e-ok", null)]
    [InlineData("e-ok", "Issue Hook\u0001")]
    [InlineData("e-ok", "Issue/Hook")]
    public async Task Post_MissingOrHostileDeliveryHeaders_Is400(string? delivery, string? eventName)
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();

        using var response = await hook.SendAsync(Labelled, delivery, eventName);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_OversizedDeliveryIdOrEventName_Is400()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();

        using var longId = await hook.SendAsync(Labelled, new string('a', 101));
        using var longEvent = await hook.SendAsync(Labelled, "e-long", new string('a', 101));
        using var longKey = await hook.SendAsync(Encoding.UTF8.GetBytes(Labelled), "e-long", idempotencyKey: new string('k', 101));

        longId.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        longEvent.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        longKey.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_DeliveryWithMissingFields_Is400NamingTheField()
    {
        await using var hook = await GitLabWebhookTestServer.StartAsync();
        var payload = GitLabSamples.LabelledIssue();
        payload["project"]!["git_http_url"] = "file:///etc/passwd";

        using var response = await hook.SendAsync(payload.ToJsonString(), "e-fields");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("project.git_http_url");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("line one\nline two, long enough")]
    [InlineData("non-ascii-secret-é-0123456789")]
    public void Validator_UnusableSecret_FailsNamingTheSettingWithoutEchoingIt(string secret)
    {
        var result = new GitLabWebhookOptionsValidator().Validate(null, new GitLabWebhookOptions { Secret = secret });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Webhooks:GitLab:Secret");
        result.FailureMessage.ShouldNotContain(secret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b")]
    [InlineData("two\nlines")]
    public void Validator_UnusableLabel_Fails(string label)
    {
        var result = new GitLabWebhookOptionsValidator().Validate(null, new GitLabWebhookOptions { Label = label });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Webhooks:GitLab:Label");
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(100L * 1024 * 1024)]
    public void Validator_BodyCapOutOfRange_Fails(long max)
    {
        new GitLabWebhookOptionsValidator().Validate(null, new GitLabWebhookOptions { MaxBodyBytes = max }).Failed.ShouldBeTrue();
    }

    [Fact]
    public void Validator_Defaults_Pass()
    {
        new GitLabWebhookOptionsValidator().Validate(null, new GitLabWebhookOptions()).ShouldBe(ValidateOptionsResult.Success);
    }

    [Theory]
    [InlineData("gitlab-webhook-secret-token-0123", true)]
    [InlineData("gitlab-webhook-secret-token-0124", false)]
    [InlineData("gitlab-webhook-secret-token-012", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TokenMatches_OnlyTheExactSecret(string? presented, bool expected)
    {
        GitLabWebhookHandler.TokenMatches(GitLabWebhookTestServer.Secret, presented).ShouldBe(expected);
    }
}
