using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nightshift.Core.Tasks;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// <c>POST /webhooks/gitlab</c> through the intake and the trigger processor to a queued task, against the fake GitLab
/// over real HTTP: who asked is checked with GitLab's members API, refusals are answered on the issue.
/// </summary>
public sealed class GitLabTriggerTests : IAsyncLifetime
{
    private const string Project = "acme/calc";

    private FakeGitLabServer _gitlab = null!;

    public async Task InitializeAsync()
    {
        _gitlab = await FakeGitLabServer.StartAsync();
        _gitlab.AddProject(Project);
        var issue = _gitlab.AddIssue(Project, 23);
        issue.Title = "Division by zero crashes the app";
        issue.Labels.Add("nightshift");
        _gitlab.AddMember(Project, "alice", 30);
        _gitlab.AddMember(Project, "guest", 10);
    }

    public async Task DisposeAsync() => await _gitlab.DisposeAsync();

    private Task<GitLabWebhookTestServer> StartAsync() =>
        GitLabWebhookTestServer.StartAsync(
            forges: new { gitlab = new { Kind = "gitlab", Host = _gitlab.Host, ApiUrl = _gitlab.ApiUri.AbsoluteUri, _gitlab.Token } },
            repositories: new { AllowedHosts = new[] { "127.0.0.1" }, AllowPrivateAddresses = true, AllowInsecureHttp = true });

    /// <summary>The sample delivery, pointed at the fake GitLab.</summary>
    private JsonObject Labelled(string user = "alice")
    {
        var payload = GitLabSamples.LabelledIssue(user: user);
        payload["project"]!["git_http_url"] = _gitlab.RepositoryAddress(Project);
        payload["project"]!["web_url"] = new Uri(_gitlab.BaseUri, Project).AbsoluteUri;
        payload["object_attributes"]!["url"] = new Uri(_gitlab.BaseUri, $"{Project}/-/issues/23").AbsoluteUri;
        return payload;
    }

    private static async Task<JsonElement> ReceiptAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await ApiCalls.ReadJsonAsync(response);
    }

    private static async Task<IReadOnlyList<TaskRecord>> TasksAsync(GitLabWebhookTestServer hook) =>
        (await hook.Server.Store.ListAsync(new TaskQuery(Limit: TaskQuery.MaxLimit))).Items;

    [Fact]
    public async Task Post_IssueLabelledByADeveloper_EndsInOneQueuedTaskLinkedToTheIssue()
    {
        await using var hook = await StartAsync();

        var receipt = await ReceiptAsync(await hook.SendAsync(Labelled().ToJsonString(), "e-labelled-1"));
        receipt.GetProperty("status").GetString().ShouldBe("accepted");
        await TestDefaults.WaitUntilAsync(async () => (await TasksAsync(hook)).Count > 0, "a task queued from the labelled GitLab issue");

        var task = (await TasksAsync(hook)).ShouldHaveSingleItem();
        task.Status.ShouldBe(TaskState.Queued);
        task.Source.ShouldBe("gitlab");
        task.Repo.ShouldBe(_gitlab.RepositoryAddress(Project));
        task.Instruction.ShouldContain("Division by zero crashes the app");
        var origin = task.Origin.ShouldNotBeNull();
        origin.Forge.ShouldBe("gitlab");
        origin.Kind.ShouldBe(TaskOriginKind.Issue);
        origin.Number.ShouldBe(23);
        origin.Repository.ShouldBe(Project);
        _gitlab.Calls.ShouldContain(c => c.Path.StartsWith("/api/v4/projects/acme%2Fcalc/members/all/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_SameDeliveryTwiceAndAgainUnderItsIdempotencyKey_MakesOneTask()
    {
        await using var hook = await StartAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(Labelled().ToJsonString());

        (await ReceiptAsync(await hook.SendAsync(body, "e-uuid-1", idempotencyKey: "key-1"))).GetProperty("status").GetString().ShouldBe("accepted");
        (await ReceiptAsync(await hook.SendAsync(body, "e-uuid-2", idempotencyKey: "key-1"))).GetProperty("status").GetString().ShouldBe("duplicate");
        await TestDefaults.WaitUntilAsync(async () => (await TasksAsync(hook)).Count > 0, "a task queued from the labelled GitLab issue");

        (await TasksAsync(hook)).ShouldHaveSingleItem();
        (await hook.Server.Store.FindDeliveryAsync("gitlab", "key-1")).ShouldNotBeNull();
        (await hook.Server.Store.FindDeliveryAsync("gitlab", "e-uuid-2")).ShouldBeNull();
    }

    [Fact]
    public async Task Post_IssueLabelledByAGuest_QueuesNothingAndRepliesPolitelyOnTheIssue()
    {
        await using var hook = await StartAsync();

        (await ReceiptAsync(await hook.SendAsync(Labelled(user: "guest").ToJsonString(), "e-guest"))).GetProperty("status").GetString().ShouldBe("accepted");
        await TestDefaults.WaitUntilAsync(() => Task.FromResult(_gitlab.AllNotes.Count > 0), "a reply on the GitLab issue");

        var reply = _gitlab.AllNotes.ShouldHaveSingleItem();
        reply.Noteable.ShouldBe("issues");
        reply.Iid.ShouldBe(23);
        reply.Body.ShouldContain("write access");
        (await TasksAsync(hook)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_IssueLabelledByAProjectAccessToken_QueuesNothing()
    {
        await using var hook = await StartAsync();

        (await ReceiptAsync(await hook.SendAsync(Labelled(user: "project_15_bot_3f2a9c").ToJsonString(), "e-bot"))).GetProperty("status").GetString().ShouldBe("accepted");
        await TestDefaults.WaitUntilAsync(() => Task.FromResult(_gitlab.AllNotes.Count > 0), "a reply on the GitLab issue");

        _gitlab.AllNotes.ShouldHaveSingleItem().Body.ShouldContain("bot");
        (await TasksAsync(hook)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_DeliveryThatAsksForNothing_IsIgnoredWithItsReason()
    {
        await using var hook = await StartAsync();

        var receipt = await ReceiptAsync(await hook.SendAsync(GitLabSamples.LabelledIssue().ToJsonString(), "e-push", "Push Hook"));

        receipt.GetProperty("status").GetString().ShouldBe("ignored");
        receipt.GetProperty("reason").GetString()!.ShouldContain("Push Hook");
        (await hook.Server.Store.FindDeliveryAsync("gitlab", "e-push"))!.Outcome.ShouldBe("ignored");
    }
}
