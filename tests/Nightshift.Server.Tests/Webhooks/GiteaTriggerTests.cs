using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Nightshift.Core.Tasks;
using Nightshift.Server.Webhooks;
using Nightshift.Storage;
using Nightshift.TestKit.Forges;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>Gitea deliveries through the real intake and trigger processor, against the fake Gitea: they end in tasks.</summary>
public sealed class GiteaTriggerTests
{
    private const string Secret = "a Gitea webhook secret, long enough";

    private static async Task<(FakeGiteaServer Gitea, WebhookTestServer Hook)> StartAsync()
    {
        var gitea = await FakeGiteaServer.StartAsync();
        gitea.AddRepository(GiteaPayloads.FullName, "main");
        gitea.AddIssue(GiteaPayloads.FullName, 7, "Sum is wrong", "add(2, 2) returns 5", "carol", ["nightshift"], DateTimeOffset.UtcNow);
        gitea.AddComment(GiteaPayloads.FullName, 7, "dave", "Also for negative numbers.", DateTimeOffset.UtcNow);
        gitea.SetPermission(GiteaPayloads.FullName, "alice", "write");
        var hook = await WebhookTestServer.StartAsync(
            forges: new { gitea = new { Kind = "gitea", gitea.Host, ApiUrl = gitea.ApiUri.ToString(), gitea.Token } },
            shared: new Dictionary<string, object> { ["Gitea"] = new { Secret } },
            more: new Dictionary<string, object>
            {
                ["Repositories"] = new { AllowedHosts = new[] { "127.0.0.1" }, AllowInsecureHttp = true, AllowPrivateAddresses = true },
            });
        return (gitea, hook);
    }

    private static async Task<WebhookDelivery> DeliverAsync(WebhookTestServer hook, string body, string delivery, string eventName, string eventType)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(GiteaWebhookHandler.DeliveryHeader, delivery);
        request.Headers.TryAddWithoutValidation(GiteaWebhookHandler.EventHeader, eventName);
        request.Headers.TryAddWithoutValidation(GiteaWebhookHandler.EventTypeHeader, eventType);
        request.Headers.TryAddWithoutValidation(GiteaSignature.Header, GiteaSignature.Compute(Secret, bytes));
        using var response = await hook.Anonymous.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        WebhookDelivery? kept = null;
        await TestKit.TestDefaults.WaitUntilAsync(
            async () => (kept = await hook.Server.Store.FindDeliveryAsync("gitea", delivery)) is { Outcome: not "accepted" },
            $"the trigger processor to act on Gitea delivery {delivery}");
        return kept!;
    }

    [Fact]
    public async Task LabelUpdated_ByAWriter_QueuesOneTaskFromTheIssue()
    {
        var (gitea, hook) = await StartAsync();
        await using var _ = gitea;
        await using var __ = hook;
        var cloneUrl = gitea.RepositoryAddress(GiteaPayloads.FullName);

        var kept = await DeliverAsync(hook, GiteaPayloads.LabelUpdated(cloneUrl: cloneUrl), "gitea-d-1", "issues", "issue_label");

        kept.Outcome.ShouldBe("queued", kept.Reason);
        var task = (await hook.Server.Store.FindAsync(kept.TaskId!)).ShouldNotBeNull();
        task.Repo.ShouldBe(cloneUrl);
        task.Source.ShouldBe("gitea");
        task.Origin.ShouldNotBeNull().Kind.ShouldBe(TaskOriginKind.Issue);
        task.Origin.Actor.ShouldBe("alice");
        task.Instruction.ShouldContain("Sum is wrong");
        task.Instruction.ShouldContain("Also for negative numbers.");
        gitea.Calls.ShouldContain(c => c.Path.EndsWith("/collaborators/alice/permission", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LabelUpdated_ByAReader_QueuesNothing()
    {
        var (gitea, hook) = await StartAsync();
        await using var _ = gitea;
        await using var __ = hook;
        gitea.SetPermission(GiteaPayloads.FullName, "alice", "read");

        var kept = await DeliverAsync(hook, GiteaPayloads.LabelUpdated(cloneUrl: gitea.RepositoryAddress(GiteaPayloads.FullName)), "gitea-d-2", "issues", "issue_label");

        kept.TaskId.ShouldBeNull();
        (await hook.TasksAsync()).ShouldBeEmpty();
    }
}
