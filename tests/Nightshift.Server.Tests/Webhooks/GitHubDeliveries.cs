using System.Text.Json;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// Delivery bodies written from GitHub's documented webhook payloads (issues, issue_comment, pull_request_review,
/// check_run, check_suite), trimmed to the fields Nightshift reads plus a few it must pass over.
/// </summary>
internal sealed class GitHubDeliveries(string repositoryPage)
{
    public const string Owner = "octo-org";
    public const string Name = "hello-world";

    public string RepositoryPage { get; } = repositoryPage;

    public string CloneUrl => RepositoryPage + ".git";

    public string IssueUrl(long number = 42) => $"{RepositoryPage}/issues/{number}";

    public string PullUrl(long number = 7) => $"{RepositoryPage}/pull/{number}";

    private object Repository => new { id = 1296269, full_name = $"{Owner}/{Name}", clone_url = CloneUrl, html_url = RepositoryPage };

    private static object Sender(string login, bool bot = false) => new { login, id = 1, type = bot ? "Bot" : "User" };

    public string LabeledIssue(string label = "nightshift", string sender = "octocat", bool bot = false, long number = 42,
        string title = "Crash when the config file is empty", string? body = "Steps: run `app --config empty.yml`.\nExpected: a clear message.") =>
        JsonSerializer.Serialize(new
        {
            action = "labeled",
            issue = new { number, html_url = IssueUrl(number), title, body, state = "open", user = Sender("alice"), labels = new[] { new { name = label } } },
            label = new { name = label, color = "ededed" },
            repository = Repository,
            sender = Sender(sender, bot),
        });

    public string IssueComment(string body, string author = "octocat", bool bot = false, long number = 42, bool onPullRequest = false, long commentId = 9001) =>
        JsonSerializer.Serialize(new
        {
            action = "created",
            issue = onPullRequest
                ? (object)new { number, html_url = PullUrl(number), title = "Fix the crash", body = "", state = "open", user = Sender("nightshift-bot"), pull_request = new { url = $"https://api.example/{number}", html_url = PullUrl(number) } }
                : new { number, html_url = IssueUrl(number), title = "Crash when the config file is empty", body = "Steps", state = "open", user = Sender("alice") },
            comment = new { id = commentId, html_url = IssueUrl(number) + "#issuecomment-" + commentId, body, user = Sender(author, bot), created_at = "2026-12-05T07:00:00Z" },
            repository = Repository,
            sender = Sender(author, bot),
        });

    public string Review(string state = "changes_requested", string? body = "Two things to change.", string author = "octocat", long reviewId = 80, long number = 7,
        string headBranch = "nightshift/abcd1234-fix-crash", string? headRepository = $"{Owner}/{Name}") =>
        JsonSerializer.Serialize(new
        {
            action = "submitted",
            review = new { id = reviewId, body, state, user = Sender(author), html_url = PullUrl(number) + "#pullrequestreview-" + reviewId, submitted_at = "2026-12-05T07:10:00Z" },
            pull_request = new
            {
                number,
                html_url = PullUrl(number),
                title = "Fix the crash",
                body = "Made by Nightshift",
                head = new { @ref = headBranch, sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e", repo = headRepository is null ? null : new { full_name = headRepository } },
                @base = new { @ref = "main", repo = new { full_name = $"{Owner}/{Name}" } },
            },
            repository = Repository,
            sender = Sender(author),
        });

    public string CheckRun(string conclusion = "failure", long checkRunId = 4, long number = 7, string headBranch = "nightshift/abcd1234-fix-crash", bool withPullRequest = true) =>
        JsonSerializer.Serialize(new
        {
            action = "completed",
            check_run = new
            {
                id = checkRunId,
                name = "build (ubuntu-latest)",
                status = "completed",
                conclusion,
                head_sha = "ce587453ced02b1526dfb4cb910479d431683101",
                completed_at = "2026-12-05T07:20:00Z",
                output = new { title = "Process completed with exit code 1", summary = "2 tests failed" },
                pull_requests = withPullRequest
                    ? new[] { new { number, head = new { @ref = headBranch, sha = "ce587453" }, @base = new { @ref = "main", sha = "f95f852b" } } }
                    : [],
            },
            repository = Repository,
            sender = Sender("github-actions[bot]", bot: true),
        });

    public string CheckSuite(string conclusion = "failure", long number = 7, string headBranch = "nightshift/abcd1234-fix-crash") =>
        JsonSerializer.Serialize(new
        {
            action = "completed",
            check_suite = new
            {
                id = 118578147,
                head_branch = headBranch,
                status = "completed",
                conclusion,
                app = new { name = "GitHub Actions" },
                pull_requests = new[] { new { number, head = new { @ref = headBranch, sha = "ce587453" }, @base = new { @ref = "main", sha = "f95f852b" } } },
            },
            repository = Repository,
            sender = Sender("github-actions[bot]", bot: true),
        });
}
