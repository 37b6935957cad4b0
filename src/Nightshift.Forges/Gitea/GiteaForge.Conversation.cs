using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.Gitea;

/// <summary>
/// The issue side of Gitea (and Forgejo): collaborator permissions, issue and pull request comments (they share one
/// numbering), reactions, labelled issues, review comments and Actions job logs. Gitea has no API to reply inside a
/// review comment's thread in every release, so a reply is a pull request comment that quotes the review comment.
/// </summary>
public sealed partial class GiteaForge
{
    /// <summary>Most review comments read when looking for the one a reply quotes.</summary>
    public const int MaxReviewCommentsSearched = 1_000;

    /// <summary>A list call never returns more than this, whatever is asked.</summary>
    public const int MaxListed = 1_000;

    /// <summary>The largest log tail read; a larger ask is cut to this.</summary>
    public const int MaxLogBytes = 16 * 1024 * 1024;

    /// <summary>A job log is read to its end to find its tail, but never more than this.</summary>
    public const long MaxLogRead = 256L * 1024 * 1024;

    private const int MaxQuotedLines = 12;

    private const int MaxQuotedChars = 1_500;

    private const int MaxUserLength = 255;

    public async Task<ForgePermission> GetPermissionAsync(ForgeRepository repository, string user, CancellationToken cancellationToken = default)
    {
        var repo = Repository(repository);
        if (!IsUserName(user))
        {
            // A name Gitea cannot have is nobody on this repository; no call is made with it.
            LogPermissionUnknownUser(_logger, repo.Path);
            return ForgePermission.None;
        }
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Get, $"{Base(repo)}/collaborators/{Uri.EscapeDataString(user)}/permission", null,
                $"read {user}'s permission on {repo.Path}",
                $"Gitea has no repository '{repo.Path}' that this token can see",
                Expected: [403, 404]),
            cancellationToken).ConfigureAwait(false);
        if (!reply.Success)
        {
            // 404: no such user; 403: not a collaborator of a repository the token's user administers only partly.
            return ForgePermission.None;
        }
        return reply.String("permission")?.Trim().ToLowerInvariant() switch
        {
            "owner" or "admin" => ForgePermission.Admin,
            "write" => ForgePermission.Write,
            "read" => ForgePermission.Read,
            _ => ForgePermission.None,
        };
    }

    public async Task<PostedComment> CommentAsync(ForgeRepository repository, ForgeThread thread, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var repo = Repository(repository);
        var number = Number(thread.Number, "issue or pull request");
        var posted = await PostCommentAsync(repo, number, thread.ToString(), Posted(body), cancellationToken).ConfigureAwait(false);
        LogCommented(_logger, repo.Path, thread.Number);
        return posted;
    }

    public async Task<PostedComment> ReplyToReviewCommentAsync(ForgeRepository repository, long pullRequest, string commentId, string body, CancellationToken cancellationToken = default)
    {
        var repo = Repository(repository);
        var number = Number(pullRequest, "pull request");
        var id = Id(commentId, "review comment");
        var text = Posted(body);
        var comments = await ReviewCommentsAsync(repo, number, null, MaxReviewCommentsSearched, cancellationToken).ConfigureAwait(false);
        var quoted = comments.FirstOrDefault(c => c.Id == id)
            ?? throw new ForgeException($"pull request #{number} of {repo.Path} on Gitea at {_endpoint.Host} has no review comment {id} (among its first {MaxReviewCommentsSearched}): it may have been deleted; answer on the pull request instead");
        var reply = Quote(quoted) + "\n\n" + text;
        var posted = await PostCommentAsync(repo, number, $"pull request #{number}", reply, cancellationToken).ConfigureAwait(false);
        LogRepliedToReviewComment(_logger, repo.Path, pullRequest, id);
        return posted;
    }

    public async Task<bool> ReactAsync(ForgeRepository repository, ForgeThread thread, string? commentId, ForgeReaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var repo = Repository(repository);
        var number = Number(thread.Number, "issue or pull request");
        var content = reaction switch
        {
            ForgeReaction.Eyes => "eyes",
            ForgeReaction.Rocket => "rocket",
            ForgeReaction.Confused => "confused",
            _ => throw new ArgumentOutOfRangeException(nameof(reaction), reaction, "not a reaction Nightshift uses"),
        };
        var (path, what) = commentId is null
            ? ($"{Base(repo)}/issues/{number}/reactions", thread.ToString())
            : ($"{Base(repo)}/issues/comments/{Id(commentId, "comment")}/reactions", $"comment {commentId} on {thread}");
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, path, new JsonObject { ["content"] = content },
                $"react with {content} to {what} of {repo.Path}",
                $"Gitea has no {what} in '{repo.Path}' that this token can see: check the number and the repository address",
                Expected: [403]),
            cancellationToken).ConfigureAwait(false);
        if (reply.Success)
        {
            return true;
        }
        if (reply.Detail.Contains("reaction", StringComparison.OrdinalIgnoreCase))
        {
            // The instance's [ui] REACTIONS leaves this one out: not an error, there is just no reaction.
            LogReactionNotAllowed(_logger, _endpoint.Name, content, repo.Path);
            return false;
        }
        throw new ForgeException(
            $"Gitea at {_endpoint.Host} refused to react with {content} to {what} of {repo.Path} (HTTP 403: {reply.Detail}): the token lacks a permission. {Dialect.ForbiddenHint}",
            403);
    }

    public async Task<IReadOnlyList<ForgeIssue>> ListLabelledIssuesAsync(ForgeRepository repository, string label, DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var repo = Repository(repository);
        if (string.IsNullOrWhiteSpace(label) || label.Length > 255 || label.Any(char.IsControl) || label.Contains(',', StringComparison.Ordinal))
        {
            throw new ForgeException("a label to look for must be 1–255 characters without commas or control characters (Gitea reads a comma as a list of labels)");
        }
        max = Math.Clamp(max, 1, MaxListed);
        var found = new Dictionary<long, ForgeIssue>();
        var query = $"state=open&type=issues&labels={Uri.EscapeDataString(label)}&since={Uri.EscapeDataString(Iso(since))}";
        await foreach (var item in PagesAsync(repo, $"{Base(repo)}/issues?{query}", $"list the open issues labelled '{label}' in {repo.Path}", cancellationToken).ConfigureAwait(false))
        {
            if (ToIssue(item) is { } issue && issue.Labels.Contains(label, StringComparer.OrdinalIgnoreCase) && issue.UpdatedAt >= since)
            {
                found.TryAdd(issue.Number, issue);
            }
        }
        return [.. found.Values.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Number).Take(max)];
    }

    public async Task<IReadOnlyList<ThreadComment>> ListCommentsAsync(ForgeRepository repository, ForgeThread thread, DateTimeOffset? since, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var repo = Repository(repository);
        var number = Number(thread.Number, "issue or pull request");
        max = Math.Clamp(max, 1, MaxListed);
        var path = $"{Base(repo)}/issues/{number}/comments" + (since is { } from ? $"?since={Uri.EscapeDataString(Iso(from))}" : "");
        var found = new Dictionary<string, ThreadComment>(StringComparer.Ordinal);
        await foreach (var item in PagesAsync(repo, path, $"list the comments of {thread} in {repo.Path}", cancellationToken).ConfigureAwait(false))
        {
            if (ToComment(item) is { } comment && (since is null || comment.CreatedAt >= since))
            {
                found.TryAdd(comment.Id, comment);
            }
        }
        return [.. found.Values.OrderBy(c => c.CreatedAt).ThenBy(c => long.Parse(c.Id, CultureInfo.InvariantCulture)).Take(max)];
    }

    public async Task<IReadOnlyList<ThreadComment>> ListReviewCommentsAsync(ForgeRepository repository, long pullRequest, string? reviewId, int max, CancellationToken cancellationToken = default)
    {
        var repo = Repository(repository);
        var number = Number(pullRequest, "pull request");
        var review = reviewId is null ? null : Id(reviewId, "review");
        return await ReviewCommentsAsync(repo, number, review, Math.Clamp(max, 1, MaxListed), cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetCheckLogAsync(ForgeRepository repository, string checkId, int maxBytes, CancellationToken cancellationToken = default)
    {
        var repo = Repository(repository);
        if (!long.TryParse(checkId, NumberStyles.None, CultureInfo.InvariantCulture, out var job) || job <= 0)
        {
            // Not an Actions job (an external CI's status): Gitea keeps no log for it.
            return null;
        }
        maxBytes = Math.Clamp(maxBytes, 1, MaxLogBytes);
        var token = await _endpoint.Token.GetAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(_endpoint.ApiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + $"/{Base(repo)}/actions/jobs/{job}/logs");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        Dialect.Authorize(request.Headers, token);
        request.Headers.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue("Nightshift", "1.0"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ForgeException($"could not reach Gitea at {_endpoint.Host} to read the log of Actions job {job} in {repo.Path}: {ForgeText.Redact(exception.Message, token)}. Check that {_endpoint.Name}'s API address is reachable from this server", null, null, exception as HttpRequestException);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status == 404)
            {
                // No such job, or a Gitea without the job log API (before 1.23): the check's summary is all there is.
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                var hint = status is 401 or 403 ? $" {Dialect.ForbiddenHint}" : " Try again later.";
                throw new ForgeException($"Gitea at {_endpoint.Host} refused to give the log of Actions job {job} in {repo.Path} (HTTP {status}).{hint}", status);
            }
            var tail = await TailAsync(response, maxBytes, cancellationToken).ConfigureAwait(false);
            return tail;
        }
    }

    private static async Task<string> TailAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        var window = new byte[maxBytes * 2L > int.MaxValue ? int.MaxValue : maxBytes * 2];
        var length = 0;
        var dropped = false;
        long total = 0;
        int read;
        while (total < MaxLogRead && (read = await stream.ReadAsync(window.AsMemory(length, Math.Min(window.Length - length, 64 * 1024)), timeout.Token).ConfigureAwait(false)) > 0)
        {
            length += read;
            total += read;
            if (length == window.Length)
            {
                Buffer.BlockCopy(window, length - maxBytes, window, 0, maxBytes);
                length = maxBytes;
                dropped = true;
            }
        }
        var start = Math.Max(0, length - maxBytes);
        // The cut may fall inside a character: skip its continuation bytes rather than show a broken one.
        while (start < length && (dropped || start > 0) && (window[start] & 0xC0) == 0x80)
        {
            start++;
        }
        return Encoding.UTF8.GetString(window, start, length - start);
    }

    private async Task<PostedComment> PostCommentAsync(RepositoryPath repo, string number, string what, string text, CancellationToken cancellationToken)
    {
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{Base(repo)}/issues/{number}/comments", new JsonObject { ["body"] = text },
                $"comment on {what} of {repo.Path}",
                $"Gitea has no {what} in '{repo.Path}' that this token can see: check the number and the repository address",
                Replayable: false),
            cancellationToken).ConfigureAwait(false);
        var id = reply.Number("id")
            ?? throw new ForgeException($"Gitea at {_endpoint.Host} answered the comment on {what} of {repo.Path} without its id: check that {_endpoint.Name}'s API address is the Gitea API v1", reply.Status);
        var url = reply.Json is { ValueKind: JsonValueKind.Object } json ? ForgeJson.WebUrl(json, "html_url") : null;
        return new PostedComment(id.ToString(CultureInfo.InvariantCulture), url);
    }

    private async Task<IReadOnlyList<ThreadComment>> ReviewCommentsAsync(RepositoryPath repo, string number, string? reviewId, int max, CancellationToken cancellationToken)
    {
        var reviews = new List<string>();
        if (reviewId is not null)
        {
            reviews.Add(reviewId);
        }
        else
        {
            await foreach (var item in PagesAsync(repo, $"{Base(repo)}/pulls/{number}/reviews", $"list the reviews of pull request #{number} in {repo.Path}", cancellationToken).ConfigureAwait(false))
            {
                if (ForgeJson.Number(item, "id") is { } id && !string.Equals(ForgeJson.String(item, "state"), "PENDING", StringComparison.OrdinalIgnoreCase))
                {
                    reviews.Add(id.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        var found = new Dictionary<string, ThreadComment>(StringComparer.Ordinal);
        foreach (var review in reviews.Distinct(StringComparer.Ordinal))
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{Base(repo)}/pulls/{number}/reviews/{review}/comments", null,
                    $"list the comments of review {review} on pull request #{number} in {repo.Path}",
                    $"pull request #{number} of '{repo.Path}' has no review {review} that this token can see"),
                cancellationToken).ConfigureAwait(false);
            foreach (var item in reply.Items)
            {
                if (ToComment(item) is { } comment)
                {
                    found.TryAdd(comment.Id, comment);
                }
            }
            if (found.Count >= MaxReviewCommentsSearched)
            {
                break;
            }
        }
        return [.. found.Values.OrderBy(c => c.CreatedAt).ThenBy(c => long.Parse(c.Id, CultureInfo.InvariantCulture)).Take(max)];
    }

    private async IAsyncEnumerable<JsonElement> PagesAsync(RepositoryPath repo, string path, string what, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<long>();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        for (var page = 1; page <= MaxPages; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{path}{separator}limit={PageSize}&page={page}", null, what,
                    $"Gitea has no such issue, pull request or repository '{repo.Path}' that this token can see: check the number and the repository address"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            var fresh = 0;
            foreach (var item in items)
            {
                // Releases that ignore limit/page answer the whole list on every page: each item is given once.
                if (ForgeJson.Number(item, "id") is { } id && seen.Add(id))
                {
                    fresh++;
                    yield return item;
                }
            }
            if (items.Count < PageSize || fresh == 0)
            {
                yield break;
            }
        }
    }

    private static ForgeIssue? ToIssue(JsonElement item)
    {
        if (ForgeJson.Number(item, "number") is not { } number || number <= 0
            || (item.TryGetProperty("pull_request", out var pull) && pull.ValueKind == JsonValueKind.Object))
        {
            return null;
        }
        var labels = item.TryGetProperty("labels", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(l => ForgeJson.String(l, "name")).OfType<string>().ToList()
            : [];
        return new ForgeIssue(
            number,
            ForgeJson.String(item, "title") ?? "",
            ForgeJson.String(item, "body") ?? "",
            ForgeJson.WebUrl(item, "html_url") ?? "",
            Author(item).Login,
            labels,
            ForgeJson.Time(item, "updated_at") ?? ForgeJson.Time(item, "created_at") ?? DateTimeOffset.UnixEpoch);
    }

    private static ThreadComment? ToComment(JsonElement item)
    {
        if (ForgeJson.Number(item, "id") is not { } id || id <= 0)
        {
            return null;
        }
        var (login, bot) = Author(item);
        var position = ForgeJson.Number(item, "position") is > 0 and <= int.MaxValue and var p ? (int?)p
            : ForgeJson.Number(item, "original_position") is > 0 and <= int.MaxValue and var o ? (int?)o
            : null;
        return new ThreadComment(
            id.ToString(CultureInfo.InvariantCulture),
            login,
            bot,
            ForgeJson.String(item, "body") ?? "",
            ForgeJson.Time(item, "created_at") ?? DateTimeOffset.UnixEpoch,
            ForgeJson.WebUrl(item, "html_url"),
            ForgeJson.String(item, "path") is { Length: > 0 } path ? path : null,
            ForgeJson.String(item, "path") is { Length: > 0 } ? position : null);
    }

    /// <summary>
    /// The author's login; Gitea marks no account as a bot, so its own system users (negative ids: the ghost, the
    /// Actions user) and names ending in [bot] (accounts mirrored from GitHub) count as bots.
    /// </summary>
    private static (string Login, bool Bot) Author(JsonElement item)
    {
        var user = ForgeJson.Object(item, "user");
        var login = (user is { } u ? ForgeJson.String(u, "login") ?? ForgeJson.String(u, "username") : null)
            ?? ForgeJson.String(item, "original_author")
            ?? "";
        var bot = (user is { } v && ForgeJson.Number(v, "id") is < 0)
            || login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase)
            || string.Equals(login, "gitea-actions", StringComparison.OrdinalIgnoreCase);
        return (login, bot);
    }

    private static string Quote(ThreadComment comment)
    {
        var where = comment.Path is null ? "" : comment.Line is { } line ? $" on `{Code(comment.Path)}` line {line}" : $" on `{Code(comment.Path)}`";
        var body = comment.Body.Length > MaxQuotedChars ? comment.Body[..MaxQuotedChars] + "…" : comment.Body;
        var lines = body.ReplaceLineEndings("\n").Split('\n');
        var shown = lines.Take(MaxQuotedLines).Select(l => "> " + l);
        var more = lines.Length > MaxQuotedLines ? "\n> …" : "";
        var link = comment.Url is null ? "review comment" : $"[review comment]({comment.Url})";
        return CommentText.Sanitize($"> {comment.Author}'s {link}{where}:\n{string.Join('\n', shown)}{more}", ForgeText.MaxBodyLength);
    }

    private static string Code(string text) => text.Replace('`', '\'');

    /// <summary>What Nightshift posts: mentions defused (nobody is pinged), control characters dropped, clipped.</summary>
    private static string Posted(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new ArgumentException("a comment needs some text", nameof(body));
        }
        return CommentText.Sanitize(body, ForgeText.MaxBodyLength);
    }

    private RepositoryPath Repository(ForgeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return Repository($"https://{repository.Host}/{repository.Owner}/{repository.Name}");
    }

    private static string Number(long number, string what)
    {
        if (number <= 0)
        {
            throw new ForgeException($"{number} is not a {what} number: Gitea numbers them from 1");
        }
        return number.ToString(CultureInfo.InvariantCulture);
    }

    private static string Id(string? id, string what)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            var shown = id is null ? "nothing" : $"'{new string([.. id.Take(40).Select(c => char.IsControl(c) ? ' ' : c)])}'";
            throw new ForgeException($"{shown} is not a Gitea {what} id: Gitea's ids are positive whole numbers");
        }
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsUserName(string? user) =>
        !string.IsNullOrEmpty(user) && user.Length <= MaxUserLength && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 7270, Level = LogLevel.Information, Message = "Gitea: replied on pull request #{PullRequest} of {Repository} to review comment {CommentId}")]
    private static partial void LogRepliedToReviewComment(ILogger logger, string repository, long pullRequest, string commentId);

    [LoggerMessage(EventId = 7271, Level = LogLevel.Information, Message = "{Forge}: the Gitea instance does not allow the reaction {Reaction} (its [ui] REACTIONS setting), so none was put in {Repository}")]
    private static partial void LogReactionNotAllowed(ILogger logger, string forge, string reaction, string repository);

    [LoggerMessage(EventId = 7272, Level = LogLevel.Debug, Message = "Gitea: a permission was asked in {Repository} for a user name Gitea cannot have; treated as no permission")]
    private static partial void LogPermissionUnknownUser(ILogger logger, string repository);
}
