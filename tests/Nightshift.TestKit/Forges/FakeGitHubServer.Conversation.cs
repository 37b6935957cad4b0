using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// The issue side of the fake GitHub, from GitHub's REST reference: a collaborator's permission, issues listed with
/// labels/state/since/sort and paging (pull requests among them, as the real API lists them), issue comments (list
/// with since and paging, create), pull request review comments (all, one review's, replies), reactions on issues
/// and issue comments, and Actions job logs, which answer a redirect to a second server (another port, like GitHub's
/// log storage host) that records what it was sent.
/// </summary>
public sealed partial class FakeGitHubServer
{
    private static readonly HashSet<string> ReactionContents = new(StringComparer.Ordinal) { "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes" };
    private readonly ConcurrentDictionary<string, (string Permission, string? Role)> _permissions = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte[]?> _jobLogs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _logLinks = new(StringComparer.Ordinal);
    private WebApplication? _logHost;
    private long _nextId = 5000;

    public ConcurrentBag<FakeGitHubIssue> Issues { get; } = [];

    /// <summary>Issue and pull request comments: seeded ones and those posted through the API.</summary>
    public ConcurrentQueue<FakeGitHubComment> Comments { get; } = new();

    /// <summary>Review comments: seeded ones and replies posted through the API.</summary>
    public ConcurrentQueue<FakeGitHubReviewComment> ReviewComments { get; } = new();

    public ConcurrentQueue<FakeGitHubReaction> Reactions { get; } = new();

    /// <summary>Every request the log host received (its Authorization header included, for assertions).</summary>
    public ConcurrentQueue<FakeGitHubCall> LogHostCalls { get; } = new();

    /// <summary>The second server job logs are redirected to.</summary>
    public Uri LogHostUrl { get; private set; } = null!;

    /// <summary>Where Location points for a job log; null answers a redirect without Location.</summary>
    public Func<Uri, Uri?>? RedirectOverride { get; set; }

    /// <summary>A collaborator's permission as GET /collaborators/{user}/permission answers it (admin, write, read, none) and its role_name (maintain, triage, …).</summary>
    public void SetPermission(string owner, string name, string user, string permission, string? role = null) =>
        _permissions[$"{owner}/{name}\n{user}"] = (permission, role ?? permission);

    /// <summary>Seeds an issue; its number comes from the fake's counter shared with pull requests when not given.</summary>
    public FakeGitHubIssue AddIssue(string owner, string name, string title, string? body = null, string[]? labels = null, DateTimeOffset? updatedAt = null,
        bool isPullRequest = false, string author = "alice", long? number = null)
    {
        var issue = new FakeGitHubIssue
        {
            Number = number ?? Interlocked.Increment(ref _nextNumber) - 1,
            Repository = $"{owner}/{name}",
            Title = title,
            Body = body,
            IsPullRequest = isPullRequest,
            Author = author,
            UpdatedAt = updatedAt ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        issue.Labels.AddRange(labels ?? []);
        Issues.Add(issue);
        return issue;
    }

    public FakeGitHubComment AddComment(string owner, string name, long number, string author, string body, DateTimeOffset createdAt, bool isBot = false)
    {
        var comment = new FakeGitHubComment(Interlocked.Increment(ref _nextId), $"{owner}/{name}", number, author, body, createdAt, isBot);
        Comments.Enqueue(comment);
        return comment;
    }

    public FakeGitHubReviewComment AddReviewComment(string owner, string name, long pull, string author, string body, string path, int? line,
        DateTimeOffset createdAt, long? reviewId = null)
    {
        var comment = new FakeGitHubReviewComment(Interlocked.Increment(ref _nextId), $"{owner}/{name}", pull, reviewId, author, body, path, line, createdAt);
        ReviewComments.Enqueue(comment);
        return comment;
    }

    /// <summary>A job's log, served behind a redirect to the log host; null: the log expired (the log host answers 410).</summary>
    public void SetJobLog(string owner, string name, long jobId, byte[]? log) => _jobLogs[$"{owner}/{name}\n{jobId}"] = log;

    public void SetJobLog(string owner, string name, long jobId, string log) => SetJobLog(owner, name, jobId, Encoding.UTF8.GetBytes(log));

    private async Task StartLogHostAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _logHost = builder.Build();
        _logHost.Run(ServeLogAsync);
        await _logHost.StartAsync(cancellationToken);
        var address = _logHost.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        LogHostUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    private async Task StopLogHostAsync()
    {
        if (_logHost is not null)
        {
            await _logHost.StopAsync();
            await _logHost.DisposeAsync();
        }
    }

    private async Task ServeLogAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var key = path.StartsWith("/logs/", StringComparison.Ordinal) && _logLinks.TryGetValue(path["/logs/".Length..], out var k) ? k : null;
        var log = key is null ? null : _jobLogs.GetValueOrDefault(key);
        var status = key is null ? 404 : log is null ? 410 : 200;
        LogHostCalls.Enqueue(new FakeGitHubCall(context.Request.Method, path, context.Request.QueryString.Value ?? "", context.Request.Headers.Authorization.ToString(), "", status));
        context.Response.StatusCode = status;
        if (log is not null)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = log.Length;
            await context.Response.Body.WriteAsync(log, context.RequestAborted);
        }
    }

    /// <returns>the answer, or null when no route of the issue side matches.</returns>
    private (int, JsonNode)? RouteConversation(string method, string full, string rest, IQueryCollection query, JsonNode json, IHeaderDictionary headers)
    {
        if (method == "GET" && PermissionPath().Match(rest) is { Success: true } permission)
        {
            var user = permission.Groups[1].Value;
            return _permissions.TryGetValue($"{full}\n{user}", out var granted)
                ? (200, new JsonObject { ["permission"] = granted.Permission, ["role_name"] = granted.Role, ["user"] = UserJson(user, false) })
                : (404, Message($"{user} is not a user"));
        }
        if (method == "GET" && rest == "/issues")
        {
            return ListIssues(full, query, headers);
        }
        if (IssueCommentsPath().Match(rest) is { Success: true } issueComments)
        {
            var number = long.Parse(issueComments.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!ThreadExists(full, number))
            {
                return (404, Message("Not Found"));
            }
            if (method == "POST")
            {
                if (json["body"]?.GetValue<string>() is not { Length: > 0 } text)
                {
                    return (422, Invalid("IssueComment", "missing_field", "body is required", "body"));
                }
                if (text.Length > 65_536)
                {
                    return (422, Invalid("IssueComment", "custom", "Body is too long (maximum is 65536 characters)", "body"));
                }
                var posted = new FakeGitHubComment(Interlocked.Increment(ref _nextId), full, number, Login, text, DateTimeOffset.UtcNow, true);
                Comments.Enqueue(posted);
                return (201, CommentJson(posted));
            }
            if (method == "GET")
            {
                if (!TrySince(query, out var since))
                {
                    return (422, Message("Invalid value for parameter 'since'"));
                }
                var all = Comments.Where(c => c.Repository == full && c.Number == number && (since is null || c.CreatedAt >= since)).OrderBy(c => c.Id);
                return (200, Page(all, $"repos/{full}{rest}", query, headers, CommentJson));
            }
        }
        if (method == "POST" && IssueReactionsPath().Match(rest) is { Success: true } issueReaction)
        {
            var number = long.Parse(issueReaction.Groups[1].Value, CultureInfo.InvariantCulture);
            return ThreadExists(full, number) ? React(full, "issue", number, json) : (404, Message("Not Found"));
        }
        if (method == "POST" && CommentReactionsPath().Match(rest) is { Success: true } commentReaction)
        {
            var id = long.Parse(commentReaction.Groups[1].Value, CultureInfo.InvariantCulture);
            return Comments.Any(c => c.Repository == full && c.Id == id) ? React(full, "comment", id, json) : (404, Message("Not Found"));
        }
        if (method == "GET" && ReviewCommentsPath().Match(rest) is { Success: true } reviewComments)
        {
            var pull = long.Parse(reviewComments.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!ThreadExists(full, pull))
            {
                return (404, Message("Not Found"));
            }
            var all = ReviewComments.Where(c => c.Repository == full && c.Pull == pull);
            if (reviewComments.Groups[2].Success)
            {
                var review = long.Parse(reviewComments.Groups[2].Value, CultureInfo.InvariantCulture);
                if (!all.Any(c => c.ReviewId == review))
                {
                    return (404, Message("Not Found"));
                }
                all = all.Where(c => c.ReviewId == review);
            }
            return (200, Page(all.OrderBy(c => c.Id), $"repos/{full}{rest}", query, headers, ReviewCommentJson));
        }
        if (method == "POST" && ReplyPath().Match(rest) is { Success: true } reply)
        {
            var pull = long.Parse(reply.Groups[1].Value, CultureInfo.InvariantCulture);
            var id = long.Parse(reply.Groups[2].Value, CultureInfo.InvariantCulture);
            if (ReviewComments.FirstOrDefault(c => c.Repository == full && c.Pull == pull && c.Id == id) is not { } target)
            {
                return (404, Message("Not Found"));
            }
            if (target.InReplyTo is not null)
            {
                return (422, Invalid("PullRequestReviewComment", "custom", "in_reply_to cannot be a reply"));
            }
            if (json["body"]?.GetValue<string>() is not { Length: > 0 } text || text.Length > 65_536)
            {
                return (422, Invalid("PullRequestReviewComment", "custom", "body is missing or too long (maximum is 65536 characters)", "body"));
            }
            var posted = new FakeGitHubReviewComment(Interlocked.Increment(ref _nextId), full, pull, target.ReviewId, Login, text, target.Path, target.Line, DateTimeOffset.UtcNow, id, true);
            ReviewComments.Enqueue(posted);
            return (201, ReviewCommentJson(posted));
        }
        if (method == "GET" && JobLogPath().Match(rest) is { Success: true } jobLog)
        {
            var key = $"{full}\n{jobLog.Groups[1].Value}";
            if (!_jobLogs.ContainsKey(key))
            {
                return (404, Message("Not Found"));
            }
            var link = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            _logLinks[link] = key;
            var location = new Uri(LogHostUrl, $"logs/{link}?sig=SIGNEDSECRET{link}");
            if ((RedirectOverride is null ? location : RedirectOverride(location)) is { } shown)
            {
                headers.Location = shown.ToString();
            }
            return (302, new JsonObject());
        }
        return null;
    }

    private (int, JsonNode) ListIssues(string full, IQueryCollection query, IHeaderDictionary headers)
    {
        if (!TrySince(query, out var since))
        {
            return (422, Message("Invalid value for parameter 'since'"));
        }
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var labels = query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matching = Issues.Where(i => i.Repository == full
            && (state == "all" || i.State == state)
            && labels.All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase))
            && (since is null || i.UpdatedAt >= since));
        var byUpdated = query["sort"].ToString() == "updated";
        var ascending = query["direction"].ToString() == "asc";
        Func<FakeGitHubIssue, DateTimeOffset> key = byUpdated ? i => i.UpdatedAt : i => i.CreatedAt;
        var ordered = ascending ? matching.OrderBy(key).ThenBy(i => i.Number) : matching.OrderByDescending(key).ThenByDescending(i => i.Number);
        return (200, Page(ordered, $"repos/{full}/issues", query, headers, IssueJson));
    }

    private (int, JsonNode) React(string full, string subject, long id, JsonNode json)
    {
        var content = json["content"]?.GetValue<string>();
        if (content is null || !ReactionContents.Contains(content))
        {
            return (422, Invalid("Reaction", "invalid", "content is not a valid reaction", "content"));
        }
        Reactions.Enqueue(new FakeGitHubReaction(full, subject, id, content));
        return (201, new JsonObject { ["id"] = Interlocked.Increment(ref _nextId), ["content"] = content, ["user"] = UserJson(Login, true) });
    }

    private bool ThreadExists(string full, long number) =>
        Issues.Any(i => i.Repository == full && i.Number == number) || Pulls.Any(p => p.Repository == full && p.Number == number);

    /// <summary>One page (per_page at most 100, default 30; page from 1) with GitHub's Link header for the next and last.</summary>
    private JsonArray Page<T>(IEnumerable<T> items, string self, IQueryCollection query, IHeaderDictionary headers, Func<T, JsonNode> json)
    {
        var all = items.ToList();
        var size = int.TryParse(query["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Max(1, n) : 1;
        var last = Math.Max(1, (all.Count + size - 1) / size);
        if (page < last)
        {
            headers.Append("Link", new StringValues($"<{PageUrl(self, query, page + 1)}>; rel=\"next\", <{PageUrl(self, query, last)}>; rel=\"last\""));
        }
        return new JsonArray([.. all.Skip((page - 1) * size).Take(size).Select(json)]);
    }

    private string PageUrl(string self, IQueryCollection query, int page)
    {
        var pairs = query.Where(q => q.Key != "page").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page}");
        return $"{ApiUrl}{self.TrimStart('/')}?{string.Join('&', pairs)}";
    }

    private static bool TrySince(IQueryCollection query, out DateTimeOffset? since)
    {
        since = null;
        var text = query["since"].ToString();
        if (text.Length == 0)
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            since = parsed;
            return true;
        }
        return false;
    }

    private JsonObject IssueJson(FakeGitHubIssue issue)
    {
        var json = new JsonObject
        {
            ["id"] = 100_000 + issue.Number,
            ["number"] = issue.Number,
            ["title"] = issue.Title,
            ["body"] = issue.Body,
            ["state"] = issue.State,
            ["html_url"] = $"{ApiUrl}{issue.Repository}/{(issue.IsPullRequest ? "pull" : "issues")}/{issue.Number}",
            ["user"] = UserJson(issue.Author, false),
            ["labels"] = new JsonArray([.. issue.Labels.Select(l => new JsonObject { ["name"] = l })]),
            ["created_at"] = Stamp(issue.CreatedAt),
            ["updated_at"] = Stamp(issue.UpdatedAt),
        };
        if (issue.IsPullRequest)
        {
            json["pull_request"] = new JsonObject { ["url"] = $"{ApiUrl}repos/{issue.Repository}/pulls/{issue.Number}" };
        }
        return json;
    }

    private JsonObject CommentJson(FakeGitHubComment comment) => new()
    {
        ["id"] = comment.Id,
        ["body"] = comment.Body,
        ["user"] = UserJson(comment.Author, comment.IsBot),
        ["html_url"] = $"{ApiUrl}{comment.Repository}/issues/{comment.Number}#issuecomment-{comment.Id}",
        ["created_at"] = Stamp(comment.CreatedAt),
        ["updated_at"] = Stamp(comment.CreatedAt),
    };

    private JsonObject ReviewCommentJson(FakeGitHubReviewComment comment) => new()
    {
        ["id"] = comment.Id,
        ["pull_request_review_id"] = comment.ReviewId,
        ["in_reply_to_id"] = comment.InReplyTo,
        ["body"] = comment.Body,
        ["path"] = comment.Path,
        ["line"] = comment.Line,
        ["original_line"] = comment.Line,
        ["user"] = UserJson(comment.Author, comment.IsBot),
        ["html_url"] = $"{ApiUrl}{comment.Repository}/pull/{comment.Pull}#discussion_r{comment.Id}",
        ["created_at"] = Stamp(comment.CreatedAt),
        ["updated_at"] = Stamp(comment.CreatedAt),
    };

    private static JsonObject UserJson(string login, bool bot) => new() { ["login"] = login, ["id"] = 7, ["type"] = bot ? "Bot" : "User" };

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^/collaborators/([^/]+)/permission$")]
    private static partial Regex PermissionPath();

    [GeneratedRegex(@"^/issues/([0-9]{1,18})/comments$")]
    private static partial Regex IssueCommentsPath();

    [GeneratedRegex(@"^/issues/([0-9]{1,18})/reactions$")]
    private static partial Regex IssueReactionsPath();

    [GeneratedRegex(@"^/issues/comments/([0-9]{1,18})/reactions$")]
    private static partial Regex CommentReactionsPath();

    [GeneratedRegex(@"^/pulls/([0-9]{1,18})(?:/reviews/([0-9]{1,18}))?/comments$")]
    private static partial Regex ReviewCommentsPath();

    [GeneratedRegex(@"^/pulls/([0-9]{1,18})/comments/([0-9]{1,18})/replies$")]
    private static partial Regex ReplyPath();

    [GeneratedRegex(@"^/actions/jobs/([0-9]{1,18})/logs$")]
    private static partial Regex JobLogPath();
}
