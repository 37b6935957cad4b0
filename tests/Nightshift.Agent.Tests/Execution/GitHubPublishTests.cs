using System.Text;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Forges;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Logging;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// A task end to end against the fake GitHub: the repository is served over http by a real git server on 127.0.0.1
/// whose host is configured as a GitHub forge, so the branch is pushed with the forge's token and the pull request
/// opened on the fake.
/// </summary>
public sealed class GitHubPublishTests : IAsyncLifetime
{
    private const string Token = "github_pat_11E2E_NEVER_STORE_ME_4f1c";
    private readonly CapturingLoggerProvider _logs = new();
    private readonly string _served = Directory.CreateTempSubdirectory("ns-served-").FullName;
    private FakeGitHubServer _github = null!;
    private GitHttpServer _git = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _github.AddRepository("acme", "calc");
        // Served as <root>/acme/calc.git (a link to the harness's bare remote), so the address has an owner and a name.
        Directory.CreateDirectory(Path.Combine(_served, "acme"));
        _git = new GitHttpServer(_served, "x-access-token", Token);
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        await _git.DisposeAsync();
        Directory.Delete(_served, recursive: true);
    }

    private static ScriptedChatClient FixingModel() => new ScriptedChatClient()
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });

    private static void ConfigureForge(Dictionary<string, string?> settings, FakeGitHubServer github, int gitPort)
    {
        settings["Forges:github:Host"] = $"127.0.0.1:{gitPort}";
        settings["Forges:github:ApiUrl"] = github.ApiUrl.ToString();
        settings["Forges:github:Token"] = Token;
        settings["Forges:github:Labels:0"] = "nightshift";
    }

    [Fact]
    public async Task ExecuteAsync_RepositoryOnAConfiguredGitHub_PushesWithTheTokenAndOpensThePullRequestThere()
    {
        using var harness = Harness(FixingModel());
        var run = new RecordingRun(harness.NewTask() with { Repo = _git.UrlOf("acme/calc.git") });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        _git.ReceivedCredentials.ShouldContain($"x-access-token:{Token}");
        var pull = _github.Pulls.ShouldHaveSingleItem();
        pull.Head.ShouldBe(outcome.Branch);
        pull.Labels.ShouldBe(["nightshift"]);
        outcome.PullRequest.ShouldBe($"{_github.ApiUrl}acme/calc/pull/{pull.Number}");
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain("return a + b;");

        // Secrets never enter a stored byte, a log line, an event or the pull request's text.
        var stored = Directory.EnumerateFiles(harness.Repo.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).LinkTarget is null)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes(Token)) >= 0)
            .ToList();
        stored.ShouldBeEmpty();
        _logs.Lines.ShouldNotBeEmpty();
        _logs.Lines.ShouldNotContain(l => l.Contains(Token, StringComparison.Ordinal));
        run.Events.ShouldNotContain(e => e.Data.GetRawText().Contains(Token, StringComparison.Ordinal));
        (pull.Title + pull.Body).ShouldNotContain(Token);
        _github.Calls.Where(c => c.Method != "GET").ShouldAllBe(c => !c.Body.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_PullRequestRefusedAfterThePush_FailsNamingTheBranchAndTheReasonThenARetryOpensIt()
    {
        using var harness = Harness(FixingModel());
        _github.Script(new FakeGitHubFailure("POST", "/repos/acme/calc/pulls", 403, "Resource not accessible by personal access token")
        {
            Headers = new Dictionary<string, string> { ["X-Accepted-GitHub-Permissions"] = "pull_requests=write" },
        });
        var task = harness.NewTask() with { Repo = _git.UrlOf("acme/calc.git") };
        var run = new RecordingRun(task);

        var failed = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        failed.Kind.ShouldBe(OutcomeKind.Failed);
        var branch = harness.Repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/nightshift/").Trim();
        branch.ShouldNotBeEmpty();
        failed.Reason.ShouldNotBeNull().ShouldContain($"branch {branch} was pushed");
        failed.Reason.ShouldContain("pull_requests=write");
        failed.Reason.ShouldNotContain(Token);
        _github.Pulls.ShouldBeEmpty();

        var retry = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var opened = await harness.Executor.ExecuteAsync(retry, TestDefaults.TimeoutToken());

        opened.Kind.ShouldBe(OutcomeKind.Succeeded, opened.Reason);
        retry.Types.ShouldNotContain("branch.pushed");
        retry.Types.ShouldContain("pr.opened");
        _github.Pulls.ShouldHaveSingleItem().Head.ShouldBe(branch);
    }

    [Fact]
    public async Task ExecuteAsync_FollowUpOfTheTasksPullRequest_PushesOnTopAndUpdatesTheOnePullRequest()
    {
        var followUps = new RecordedFollowUps();
        var model = FixingModel()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "export function mul(a, b) {", new_string = "export function sub(a, b) {\n  return a - b;\n}\n\nexport function mul(a, b) {" })
            .ThenToolCall("finish", new { summary = "Add sub()" });
        using var harness = Harness(model, followUps);
        var repo = _git.UrlOf("acme/calc.git");
        var parentRun = new RecordingRun(harness.NewTask() with { Repo = repo });
        var parent = await harness.Executor.ExecuteAsync(parentRun, TestDefaults.TimeoutToken());
        parent.Kind.ShouldBe(OutcomeKind.Succeeded, parent.Reason);
        followUps.Finished(parentRun, parent);
        var parentHead = harness.Repo.RemoteBranch(parent.Branch!)!;

        var task = harness.NewTask("Address the review: add sub(a, b) @octocat") with { Repo = repo, FollowUpOf = parentRun.Task.Id };
        var run = new RecordingRun(task);
        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(parent.Branch);
        outcome.PullRequest.ShouldBe(parent.PullRequest);
        harness.Repo.RemoteGit("rev-parse", harness.Repo.RemoteBranch(parent.Branch!) + "^").Trim().ShouldBe(parentHead);
        var pull = _github.Pulls.ShouldHaveSingleItem();
        pull.Head.ShouldBe(parent.Branch);
        pull.Title.ShouldBe(parentRun.PullRequest!.Title);
        pull.Body.ShouldStartWith(parentRun.PullRequest.Body.TrimEnd());
        pull.Body.ShouldContain($"## Follow-ups\n\n- `{task.Id}`: `Address the review: add sub(a, b) @octocat` — verified:");
        run.PullRequest.ShouldNotBeNull().Reference.ShouldBe(parent.PullRequest);
        _github.Calls.Where(c => c.Method != "GET").ShouldAllBe(c => !c.Body.Contains(Token, StringComparison.Ordinal));
    }

    private ExecutorHarness Harness(ScriptedChatClient model, RecordedFollowUps? followUps = null)
    {
        var harness = new ExecutorHarness(model, settings =>
        {
            settings["Repositories:AllowInsecureHttp"] = "true";
            settings["Repositories:AllowPrivateAddresses"] = "true";
            settings["Repositories:AllowedHosts:0"] = "127.0.0.1";
            ConfigureForge(settings, _github, _git.Port);
        }, logs: _logs, followUps: followUps);
        Directory.CreateSymbolicLink(Path.Combine(_served, "acme", "calc.git"), harness.Repo.RemotePath);
        return harness;
    }
}
