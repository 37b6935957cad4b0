using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Loop;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Webhooks;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// The loop Issue 20 promises, end to end on the server <c>nightshift up</c> runs: a GitHub webhook (signed, real HTTP)
/// labels an issue on a fake GitHub; the real worker runs the real agent (scripted model, real worktrees, the real
/// sandbox running the repository's own tests) and opens a pull request there; a review comment on that pull request
/// becomes a follow-up whose commit lands on the same branch and the same pull request, and the comment is answered.
/// </summary>
public sealed class IssueToPullRequestTests : IAsyncLifetime
{
    private const string Secret = "end-to-end-webhook-secret";
    private const string Token = "fake-e2e-token-never-shown";
    private const string Buggy = "export function add(a, b) {\n  return a - b;\n}\n";
    private const string Fixed = "export function add(a, b) {\n  return a + b;\n}\n";
    private const string Renamed = "export function add(x, y) {\n  return x + y;\n}\n";
    private const string Test = "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './calc.mjs';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n";
    private const string ReviewText = "Please name the parameters x and y.";

    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly string _served = Directory.CreateTempSubdirectory("ns-e2e-served-").FullName;
    private readonly TempDirectory _data = new();
    private FakeGitHubServer _github = null!;
    private GitHttpServer _git = null!;
    private RunningServer _server = null!;
    private HttpClient _hooks = null!;
    private GitHubDeliveries _deliveries = null!;

    public async Task InitializeAsync()
    {
        _repo.Commit("calculator with a bug", ("calc.mjs", Buggy), ("calc.test.mjs", Test), (".nightshift.yml", "test: node --test\nnetwork: off\n"));
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository(GitHubDeliveries.Owner, GitHubDeliveries.Name);
        _github.SetPermission(GitHubDeliveries.Owner, GitHubDeliveries.Name, "octocat", "write");
        _github.AddIssue(GitHubDeliveries.Owner, GitHubDeliveries.Name, "Crash when the config file is empty", "add() subtracts.", ["nightshift"], number: 42);
        Directory.CreateDirectory(Path.Combine(_served, GitHubDeliveries.Owner));
        Directory.CreateSymbolicLink(Path.Combine(_served, GitHubDeliveries.Owner, GitHubDeliveries.Name + ".git"), _repo.RemotePath);
        _git = new GitHttpServer(_served, "x-access-token", Token);
        _deliveries = new GitHubDeliveries(_git.UrlOf($"{GitHubDeliveries.Owner}/{GitHubDeliveries.Name}"));

        var settings = new
        {
            Webhooks = new { GitHub = new { Secret }, Status = new { PollInterval = "00:00:00.200" } },
            Forges = new { github = new { Kind = "github", Host = $"127.0.0.1:{_git.Port}", ApiUrl = _github.ApiUrl.ToString(), Token } },
            Repositories = new { AllowedHosts = new[] { "127.0.0.1" }, AllowInsecureHttp = true, AllowPrivateAddresses = true },
            Agent = new { Planning = "Never" },
        };
        await File.WriteAllTextAsync(Path.Combine(_data.Path, "appsettings.json"), JsonSerializer.Serialize(settings));
        var model = new ScriptedChatClient { Responder = Respond };
        _server = await RunningServer.StartAsync(o => o.RunWorker = true, s => s.AddSingleton<IAgentModels>(new ScriptedModels(model)), _data.Path);
        _hooks = _server.CreateClient(token: null);
    }

    public async Task DisposeAsync()
    {
        _hooks.Dispose();
        await _server.DisposeAsync();
        await _git.DisposeAsync();
        await _github.DisposeAsync();
        _data.Dispose();
        _repo.Dispose();
        Directory.Delete(_served, recursive: true);
    }

    [Fact]
    public async Task LabelThenReview_OnAFakeGitHub_EndsInAPullRequestThenANewCommitOnTheSamePullRequest()
    {
        (await DeliverAsync(_deliveries.LabeledIssue(), "e2e-label", "issues")).ShouldBe(HttpStatusCode.Accepted);

        var task = await EndedAsync(t => t.Origin?.Number == 42);
        task.Status.ShouldBe(TaskState.Succeeded, task.LastError);
        var pull = _github.Pulls.ShouldHaveSingleItem();
        pull.Head.ShouldBe(task.Branch);
        _repo.RemoteGit("show", $"{task.Branch}:calc.mjs").ShouldBe(Fixed);
        var first = _repo.RemoteBranch(task.Branch!)!;
        // The issue hears back: a link when the task starts, the pull request when it ends.
        await EventuallyAsync(() => IssueNotices(42).Any(c => c.Contains(task.PullRequest!, StringComparison.Ordinal)));
        IssueNotices(42).Count.ShouldBeGreaterThanOrEqualTo(2);

        var comment = _github.AddReviewComment(GitHubDeliveries.Owner, GitHubDeliveries.Name, pull.Number, "octocat", ReviewText, "calc.mjs", 1, DateTimeOffset.UtcNow, reviewId: 80);
        var review = _deliveries.Review(body: "One thing.", reviewId: 80, number: pull.Number, headBranch: task.Branch!);
        (await DeliverAsync(review, "e2e-review", "pull_request_review")).ShouldBe(HttpStatusCode.Accepted);

        var followUp = await EndedAsync(t => t.FollowUpOf == task.Id);
        followUp.Status.ShouldBe(TaskState.Succeeded, followUp.LastError);
        followUp.Branch.ShouldBe(task.Branch);
        followUp.Origin!.ReviewComments.ShouldBe([comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        // One new commit on top of the first, on the same branch, and still one pull request, whose body tells of it.
        var head = _repo.RemoteBranch(task.Branch!)!;
        head.ShouldNotBe(first);
        _repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(first);
        _repo.RemoteGit("show", $"{task.Branch}:calc.mjs").ShouldBe(Renamed);
        _github.Pulls.ShouldHaveSingleItem().Number.ShouldBe(pull.Number);
        pull.Body.ShouldNotBeNull().ShouldContain("Follow-ups");
        followUp.PullRequest.ShouldBe(task.PullRequest);
        // The review comment is answered in its own conversation.
        await EventuallyAsync(() => _github.ReviewComments.Any(c => c.InReplyTo == comment.Id));
        // The token went to git and the API only: never into the text posted on the forge.
        _github.Comments.ShouldAllBe(c => !c.Body.Contains(Token, StringComparison.Ordinal));
        _github.ReviewComments.ShouldAllBe(c => !c.Body.Contains(Token, StringComparison.Ordinal));
        (pull.Title + pull.Body).ShouldNotContain(Token);
    }

    private List<string> IssueNotices(long number) =>
        [.. _github.Comments.Where(c => c.Number == number && c.Author == _github.Login).Select(c => c.Body)];

    private async Task<HttpStatusCode> DeliverAsync(string body, string delivery, string eventName)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(GitHubWebhookHandler.DeliveryHeader, delivery);
        request.Headers.TryAddWithoutValidation(GitHubWebhookHandler.EventHeader, eventName);
        request.Headers.TryAddWithoutValidation(GitHubSignature.Header, GitHubSignature.Compute(Secret, bytes));
        using var response = await _hooks.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The task <paramref name="which"/> picks, once it has ended (a whole run takes seconds: two minutes at most).</summary>
    private async Task<TaskRecord> EndedAsync(Func<TaskRecord, bool> which)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var tasks = (await _server.Store.ListAsync(new TaskQuery(Limit: TaskQuery.MaxLimit), deadline.Token)).Items;
            if (tasks.FirstOrDefault(which) is { } found && found.Status.IsTerminal())
            {
                return found;
            }
            await Task.Delay(100, deadline.Token);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TestDefaults.Timeout);
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>
    /// The build agent: on the issue it fixes add(); on the review's follow-up it renames the parameters as the
    /// review comment asks; after its edit it finishes.
    /// </summary>
    private static ChatResponse Respond(ScriptedChatCall call)
    {
        if (call.LastMessage.Role == ChatRole.Tool)
        {
            return ScriptedChatClient.ToolCalls(("finish", new { summary = "Done as asked" }, $"fin_{call.Number}"));
        }
        var asked = string.Join("\n", call.Messages.Select(m => m.Text));
        var content = asked.Contains(ReviewText, StringComparison.Ordinal) ? Renamed : Fixed;
        return ScriptedChatClient.ToolCalls(("write_file", new { path = "calc.mjs", content }, $"write_{call.Number}"));
    }

    private sealed class ScriptedModels(IChatClient model) : IAgentModels
    {
        public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) => new(new NonDisposing(model), new Meter());
    }

    private sealed class Meter : IUsageMeter
    {
        private static readonly ModelSpec Spec = ModelSpec.Parse("openai/gpt-4.1");

        public UsageRecord Measure(ChatResponse response) => UsageMeter.Default.Measure(response, Spec);
    }

    private sealed class NonDisposing(IChatClient inner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
