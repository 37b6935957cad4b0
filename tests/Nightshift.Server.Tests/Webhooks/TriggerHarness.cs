using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Storage;
using Nightshift.TestKit.Forges;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>A fake GitHub (real HTTP on 127.0.0.1) and a server whose GitHub forge and webhooks point at it.</summary>
internal sealed class TriggerHarness : IAsyncDisposable
{
    public const string Branch = "nightshift/abcd1234-fix-crash";

    private const string Token = "test-token-never-shown";

    private readonly bool _ownsGitHub;

    private TriggerHarness(FakeGitHubServer github, bool ownsGitHub, WebhookTestServer hook, GitHubDeliveries deliveries)
    {
        _ownsGitHub = ownsGitHub;
        GitHub = github;
        Hook = hook;
        Deliveries = deliveries;
    }

    public FakeGitHubServer GitHub { get; }

    public WebhookTestServer Hook { get; }

    public GitHubDeliveries Deliveries { get; }

    public INightshiftStore Store => Hook.Server.Store;

    public static async Task<TriggerHarness> StartAsync(IReadOnlyDictionary<string, object>? shared = null, string? database = null, FakeGitHubServer? github = null, bool allowRepositories = true)
    {
        var owns = github is null;
        github ??= await FakeGitHubServer.StartAsync(TestKit.TestDefaults.TimeoutToken());
        github.AcceptToken(Token);
        var hook = await WebhookTestServer.StartAsync(
            database: database,
            forges: new { github = new { Kind = "github", github.Host, ApiUrl = github.ApiUrl.ToString(), Token } },
            shared: shared,
            more: new Dictionary<string, object>
            {
                ["Repositories"] = new { AllowedHosts = new[] { allowRepositories ? "127.0.0.1" : "github.com" }, AllowInsecureHttp = true, AllowPrivateAddresses = true },
            });
        var deliveries = new GitHubDeliveries($"http://{github.Host}/{GitHubDeliveries.Owner}/{GitHubDeliveries.Name}");
        if (!owns)
        {
            return new TriggerHarness(github, false, hook, deliveries);
        }
        github.AddRepository(GitHubDeliveries.Owner, GitHubDeliveries.Name);
        github.AddIssue(GitHubDeliveries.Owner, GitHubDeliveries.Name, "Crash when the config file is empty", "Steps", number: 42);
        github.AddIssue(GitHubDeliveries.Owner, GitHubDeliveries.Name, "Fix the crash", "Made by Nightshift", isPullRequest: true, author: "nightshift-bot", number: 7);
        github.SetPermission(GitHubDeliveries.Owner, GitHubDeliveries.Name, "octocat", "write");
        return new TriggerHarness(github, true, hook, deliveries);
    }

    /// <summary>Sends a delivery and waits for the trigger processor to act on it.</summary>
    public async Task<WebhookDelivery> DeliverAsync(string body, string delivery, string eventName)
    {
        using var response = await Hook.SendAsync(body, delivery, eventName);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await Hook.ProcessedAsync(delivery);
    }

    /// <summary>A task that ran and opened pull request #7 from <see cref="Branch"/>: Nightshift's own pull request.</summary>
    public async Task<TaskRecord> NightshiftPullRequestAsync()
    {
        var submitted = await Store.SubmitAsync(new NewTask { Repo = Deliveries.CloneUrl, Instruction = "fix the crash", BaseBranch = "main", IdempotencyKey = "parent" });
        var lease = (await Store.TryClaimAsync(new ClaimRequest("test-worker", TimeSpan.FromMinutes(1), null, null)))!;
        lease.TaskId.ShouldBe(submitted.Task.Id);
        var now = DateTimeOffset.UtcNow;
        await Store.SavePullRequestAsync(lease, new PullRequest(lease.TaskId, "github", Deliveries.PullUrl(), Deliveries.CloneUrl, Branch, "main", "Fix the crash", "", "", false, now, now));
        return await Store.FinishAsync(lease, TaskOutcome.Succeeded(Branch, Deliveries.PullUrl()));
    }

    public IReadOnlyList<FakeGitHubComment> Posted(long number) =>
        [.. GitHub.Comments.Where(c => c.Number == number && c.Author == GitHub.Login)];

    public async ValueTask DisposeAsync()
    {
        await Hook.DisposeAsync();
        if (_ownsGitHub)
        {
            await GitHub.DisposeAsync();
        }
    }
}
