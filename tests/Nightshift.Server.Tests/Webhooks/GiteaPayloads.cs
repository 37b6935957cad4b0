using System.Text.Json;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// Deliveries written in the shapes Gitea's webhook payload structs (modules/structs/hook.go) serialise to: the issue,
/// issue-comment, pull-request (review), commit-status and workflow-job payloads, trimmed to realistic fields.
/// </summary>
internal static class GiteaPayloads
{
    public const string Host = "gitea.example.com";
    public const string FullName = "acme/calc";
    public const string CloneUrl = $"https://{Host}/{FullName}.git";
    public const string IssueUrl = $"https://{Host}/{FullName}/issues/7";
    public const string PullUrl = $"https://{Host}/{FullName}/pulls/9";
    public const string Branch = "nightshift/01jtask-fix-add";

    public static object Repository(string cloneUrl = CloneUrl, string fullName = FullName) => new
    {
        id = 12,
        owner = new { id = 2, login = "acme", username = "acme", full_name = "", email = "", avatar_url = "" },
        name = fullName.Split('/')[^1],
        full_name = fullName,
        description = "",
        @private = false,
        fork = false,
        html_url = cloneUrl.Replace(".git", "", StringComparison.Ordinal),
        clone_url = cloneUrl,
        ssh_url = $"git@{Host}:{fullName}.git",
        default_branch = "main",
    };

    public static object User(string login = "alice", long id = 3) => new { id, login, login_name = "", username = login, full_name = "", email = $"{login}@noreply.example", is_admin = false };

    public static object Label(string name, long id = 5) => new { id, name, color = "e11d21", description = "", url = $"https://{Host}/api/v1/repos/{FullName}/labels/{id}" };

    public static object Issue(string[]? labels = null, string state = "open", string title = "Sum is wrong", string? body = "add(2, 2) returns 5", object? pullRequest = null, long number = 7, string? url = null) => new
    {
        id = 70,
        url = $"https://{Host}/api/v1/repos/{FullName}/issues/{number}",
        html_url = url ?? (pullRequest is null ? IssueUrl : PullUrl),
        number,
        user = User("carol", 4),
        original_author = "",
        title,
        body,
        @ref = "",
        labels = (labels ?? ["nightshift"]).Select((l, i) => Label(l, i + 5)).ToArray(),
        state,
        is_locked = false,
        comments = 0,
        created_at = "2026-03-01T09:00:00Z",
        updated_at = "2026-03-01T09:05:00Z",
        pull_request = pullRequest,
        repository = new { id = 12, name = "calc", owner = "acme", full_name = FullName },
    };

    public static object Pull(string headRepo = FullName, string state = "open", string? headRef = Branch, long number = 9) => new
    {
        id = 90,
        url = $"https://{Host}/api/v1/repos/{FullName}/pulls/{number}",
        number,
        user = User("nightshift", 1),
        title = "Fix add",
        body = "Nightshift task 01JTASK",
        labels = Array.Empty<object>(),
        state,
        html_url = PullUrl,
        mergeable = true,
        merged = false,
        @base = new { label = "main", @ref = "main", sha = new string('a', 40), repo_id = 12, repo = new { id = 12, full_name = FullName } },
        head = new { label = headRef, @ref = headRef, sha = new string('b', 40), repo_id = headRepo == FullName ? 12 : 13, repo = new { id = headRepo == FullName ? 12 : 13, full_name = headRepo } },
        updated_at = "2026-03-01T10:00:00Z",
    };

    public static string LabelUpdated(string[]? labels = null, string action = "label_updated", string state = "open", object? sender = null, string cloneUrl = CloneUrl, string? title = null, string? body = "add(2, 2) returns 5", object? pullRequest = null) =>
        JsonSerializer.Serialize(new
        {
            action,
            number = 7,
            issue = Issue(labels, state, title ?? "Sum is wrong", body, pullRequest),
            repository = Repository(cloneUrl),
            sender = sender ?? User(),
            commit_id = "",
        });

    public static string IssueComment(string body = "/nightshift add a test", bool onPull = false, string action = "created", object? commenter = null, string headRepo = FullName) =>
        JsonSerializer.Serialize(new
        {
            action,
            issue = Issue(labels: [], pullRequest: onPull ? new { merged = false, merged_at = (string?)null } : null, number: onPull ? 9 : 7),
            pull_request = onPull ? Pull(headRepo) : null,
            comment = new
            {
                id = 1234,
                html_url = onPull ? $"{PullUrl}#issuecomment-1234" : $"{IssueUrl}#issuecomment-1234",
                pull_request_url = onPull ? PullUrl : "",
                issue_url = onPull ? "" : IssueUrl,
                user = commenter ?? User(),
                original_author = "",
                body,
                created_at = "2026-03-01T09:10:00Z",
                updated_at = "2026-03-01T09:10:00Z",
            },
            repository = Repository(),
            sender = commenter ?? User(),
            is_pull = onPull,
        });

    public static string Reviewed(string type = "pull_request_review_rejected", string content = "Please rename `add` to `sum`.", string headRepo = FullName, string state = "open", string? headRef = Branch) =>
        JsonSerializer.Serialize(new
        {
            action = "reviewed",
            number = 9,
            pull_request = Pull(headRepo, state, headRef),
            requested_reviewer = (object?)null,
            repository = Repository(),
            sender = User("bob", 6),
            commit_id = new string('b', 40),
            review = new { type, content },
        });

    public static string Status(string state = "failure") =>
        JsonSerializer.Serialize(new
        {
            commit = new { id = new string('b', 40), message = "Fix add\n", url = $"https://{Host}/{FullName}/commit/{new string('b', 40)}" },
            context = "ci/woodpecker/pr/test",
            created_at = "2026-03-01T10:01:00Z",
            description = "Pipeline failed",
            id = 55,
            repository = Repository(),
            sender = User("woodpecker", 8),
            sha = new string('b', 40),
            state,
            target_url = "https://ci.example/acme/calc/pipeline/3",
            updated_at = "2026-03-01T10:02:00Z",
        });

    public static string WorkflowJob(string action = "completed", string conclusion = "failure", bool withPull = true) =>
        JsonSerializer.Serialize(new
        {
            action,
            workflow_job = new
            {
                id = 31,
                run_id = 8,
                run_url = $"https://{Host}/api/v1/repos/{FullName}/actions/runs/8",
                html_url = $"https://{Host}/{FullName}/actions/runs/8/jobs/0",
                name = "test (3.12)",
                labels = new[] { "ubuntu-latest" },
                run_attempt = 1,
                head_sha = new string('b', 40),
                head_branch = Branch,
                status = "completed",
                conclusion,
                started_at = "2026-03-01T10:00:00Z",
                completed_at = "2026-03-01T10:03:00Z",
            },
            pull_request = withPull ? Pull() : null,
            repository = Repository(),
            sender = User("nightshift", 1),
        });
}
