using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.Rest;
using Octokit;

namespace Nightshift.Forges.GitHub;

/// <summary>
/// GitHub's issue side: collaborators' permissions, issue and pull request comments (one API for both), replies to
/// review comments, reactions, labelled issues, and the logs of Actions jobs. Calls go through the same retry
/// pipeline and error mapping as the pull request path. Everything posted goes through <see cref="CommentText"/>.
/// </summary>
public sealed partial class GitHubForge : IForgeConversation
{
    /// <summary>GitHub serves at most this many items a page.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The most a check log read keeps, whatever the caller asks for.</summary>
    public const int MaxLogBytes = 16 * 1024 * 1024;

    /// <summary>Listing stops after this many pages even when the caller's maximum is not reached.</summary>
    private const int MaxPages = 50;

    private const int MaxIssueTitleChars = 1_000;

    public async Task<ForgePermission> GetPermissionAsync(ForgeRepository repository, string user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!GitHubLogin.IsValid(user))
        {
            return ForgePermission.None;
        }
        try
        {
            var answer = await CallAsync($"reading the permission of {user} on {repository}", RepositoryNotFound(repository),
                () => _client.Repository.Collaborator.ReviewPermission(repository.Owner, repository.Name, user), cancellationToken);
            return PermissionOf(answer.Permission, answer.RoleName);
        }
        catch (ForgeException e) when (e.Status == 404)
        {
            return ForgePermission.None;
        }
    }

    public async Task<PostedComment> CommentAsync(ForgeRepository repository, ForgeThread thread, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(thread);
        var number = Number(thread.Number, thread.ToString());
        var text = CommentText.Sanitize(body, CommentText.GitHubMaxChars);
        var comment = await CallAsync($"commenting on {thread} of {repository}", ThreadNotFound(repository, thread.ToString()),
            () => _client.Issue.Comment.Create(repository.Owner, repository.Name, number, text), cancellationToken);
        LogCommented(_logger, _forge, thread.ToString(), repository.ToString());
        return new PostedComment(comment.Id.ToString(CultureInfo.InvariantCulture), comment.HtmlUrl);
    }

    public async Task<PostedComment> ReplyToReviewCommentAsync(
        ForgeRepository repository, long pullRequest, string commentId, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var number = Number(pullRequest, $"pull request #{pullRequest}");
        var id = Id(commentId, "review comment");
        var text = CommentText.Sanitize(body, CommentText.GitHubMaxChars);
        var path = new Uri($"repos/{Segment(repository.Owner)}/{Segment(repository.Name)}/pulls/{number}/comments/{id}/replies", UriKind.Relative);
        var reply = await CallAsync($"replying to review comment {id} of pull request #{number} on {repository}",
            $"GitHub knows no review comment {id} on pull request #{number} of {repository} visible to the credential of {_forge}; the comment may have been deleted",
            () => _api.Post<PullRequestReviewComment>(path, new ReplyBody(text)), cancellationToken);
        LogReplied(_logger, _forge, id, number, repository.ToString());
        return new PostedComment(reply.Id.ToString(CultureInfo.InvariantCulture), reply.HtmlUrl);
    }

    public async Task<bool> ReactAsync(ForgeRepository repository, ForgeThread thread, string? commentId, ForgeReaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(thread);
        var content = reaction switch
        {
            ForgeReaction.Eyes => ReactionType.Eyes,
            ForgeReaction.Rocket => ReactionType.Rocket,
            ForgeReaction.Confused => ReactionType.Confused,
            _ => throw new ArgumentOutOfRangeException(nameof(reaction), reaction, "not a reaction Nightshift uses"),
        };
        if (thread.Number is < 1 or > int.MaxValue)
        {
            return false;
        }
        try
        {
            if (commentId is null)
            {
                await CallAsync($"reacting to {thread} of {repository}", ThreadNotFound(repository, thread.ToString()),
                    () => _client.Reaction.Issue.Create(repository.Owner, repository.Name, thread.Number, new NewReaction(content)), cancellationToken);
            }
            else if (long.TryParse(commentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                await CallAsync($"reacting to comment {id} of {repository}", ThreadNotFound(repository, $"comment {id}"),
                    () => _client.Reaction.IssueComment.Create(repository.Owner, repository.Name, id, new NewReaction(content)), cancellationToken);
            }
            else
            {
                return false;
            }
            return true;
        }
        catch (ForgeException e) when (e.Status is 404 or 410 or 422)
        {
            LogReactionRefused(_logger, _forge, thread.ToString(), repository.ToString(), e.Message);
            return false;
        }
    }

    public async Task<IReadOnlyList<ForgeIssue>> ListLabelledIssuesAsync(
        ForgeRepository repository, string label, DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (string.IsNullOrWhiteSpace(label) || label.Contains(',', StringComparison.Ordinal) || label.Any(char.IsControl) || label.Length > 100)
        {
            throw new ArgumentException($"'{ForgeText.Detail(label ?? "", null)}' is not a GitHub label Nightshift can look for: give 1 to 100 characters without commas or control characters", nameof(label));
        }
        var request = new RepositoryIssueRequest
        {
            State = ItemStateFilter.Open,
            Since = since,
            SortProperty = IssueSort.Updated,
            SortDirection = SortDirection.Descending,
        };
        request.Labels.Add(label);
        var found = new List<ForgeIssue>();
        // The issues API lists pull requests too; they take places on a page, so paging goes on until max issues.
        await PageAsync($"listing the open issues labelled '{label}' on {repository}", RepositoryNotFound(repository), max,
            options => _client.Issue.GetAllForRepository(repository.Owner, repository.Name, request, options),
            issue =>
            {
                if (issue.PullRequest is null && (issue.UpdatedAt ?? issue.CreatedAt) >= since)
                {
                    found.Add(IssueOf(repository, issue));
                }
                return found.Count;
            },
            cancellationToken);
        return found;
    }

    public async Task<IReadOnlyList<ThreadComment>> ListCommentsAsync(
        ForgeRepository repository, ForgeThread thread, DateTimeOffset? since, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(thread);
        var number = Number(thread.Number, thread.ToString());
        var request = new IssueCommentRequest { Since = since };
        var found = new List<ThreadComment>();
        await PageAsync($"listing the comments of {thread} on {repository}", ThreadNotFound(repository, thread.ToString()), max,
            options => _client.Issue.Comment.GetAllForIssue(repository.Owner, repository.Name, number, request, options),
            comment =>
            {
                // GitHub's since is "updated at or after"; the contract is "created at or after".
                if (since is null || comment.CreatedAt >= since)
                {
                    found.Add(CommentOf(comment.Id, comment.User, comment.Body, comment.CreatedAt, comment.HtmlUrl, null, null));
                }
                return found.Count;
            },
            cancellationToken);
        return [.. found.OrderBy(c => c.CreatedAt).ThenBy(c => long.Parse(c.Id, CultureInfo.InvariantCulture))];
    }

    public async Task<IReadOnlyList<ThreadComment>> ListReviewCommentsAsync(
        ForgeRepository repository, long pullRequest, string? reviewId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var number = Number(pullRequest, $"pull request #{pullRequest}");
        long? review = reviewId is null ? null : Id(reviewId, "review");
        var found = new List<ThreadComment>();
        await PageAsync(
            review is null ? $"listing the review comments of pull request #{number} on {repository}" : $"listing the comments of review {review} on pull request #{number} of {repository}",
            ThreadNotFound(repository, review is null ? $"pull request #{number}" : $"review {review} of pull request #{number}"), max,
            options => _api.GetAll<GitHubReviewComment>(new Uri(review is { } one
                ? $"repos/{Segment(repository.Owner)}/{Segment(repository.Name)}/pulls/{number}/reviews/{one}/comments"
                : $"repos/{Segment(repository.Owner)}/{Segment(repository.Name)}/pulls/{number}/comments", UriKind.Relative), options),
            comment =>
            {
                found.Add(CommentOf(comment.Id, comment.User, comment.Body, comment.CreatedAt, comment.HtmlUrl, comment.Path, comment.Line ?? comment.OriginalLine));
                return found.Count;
            },
            cancellationToken);
        return [.. found.OrderBy(c => c.CreatedAt).ThenBy(c => long.Parse(c.Id, CultureInfo.InvariantCulture))];
    }

    /// <summary>
    /// GitHub answers the job log route with a redirect to a short-lived signed address on another host. It is followed
    /// once, here, without the Authorization header (Octokit would keep it for a same-named host), and the signed
    /// address is never put in a message or log: it is a credential for the log while it lives.
    /// </summary>
    public async Task<string?> GetCheckLogAsync(ForgeRepository repository, string checkId, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (!long.TryParse(checkId, NumberStyles.None, CultureInfo.InvariantCulture, out var job) || job < 1)
        {
            return null;
        }
        var keep = Math.Min(maxBytes, MaxLogBytes);
        var action = $"reading the log of job {job} on {repository}";
        var log = await _pipeline.Value.ExecuteAsync(async token =>
        {
            try
            {
                return await ReadJobLogAsync(repository, job, keep, action, token);
            }
            catch (HttpRequestException e)
            {
                throw GitHubErrors.NoAnswer(_forge, _endpoint.ApiUrl, action, e);
            }
            catch (OperationCanceledException e) when (!token.IsCancellationRequested)
            {
                throw GitHubErrors.NoAnswer(_forge, _endpoint.ApiUrl, action, e);
            }
        }, cancellationToken);
        if (log is null)
        {
            LogNoCheckLog(_logger, _forge, job, repository.ToString());
        }
        return log;
    }

    private async Task<string?> ReadJobLogAsync(ForgeRepository repository, long job, int maxBytes, string action, CancellationToken cancellationToken)
    {
        using var first = new HttpRequestMessage(HttpMethod.Get, new Uri(_endpoint.ApiUrl, $"repos/{Segment(repository.Owner)}/{Segment(repository.Name)}/actions/jobs/{job}/logs"));
        first.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _endpoint.Token.GetAsync(cancellationToken));
        first.Headers.Accept.ParseAdd("application/vnd.github+json");
        first.Headers.UserAgent.ParseAdd("Nightshift");
        using var answer = await _raw.SendAsync(first, cancellationToken);
        if ((int)answer.StatusCode is 301 or 302 or 303 or 307 or 308)
        {
            if (answer.Headers.Location is not { } location
                || (location.IsAbsoluteUri ? location : new Uri(first.RequestUri!, location)) is not { Scheme: "https" or "http" } target)
            {
                throw new ForgeException($"{action} failed: GitHub redirected to no usable address; retry later, or read the log on GitHub", 502);
            }
            using var second = new HttpRequestMessage(HttpMethod.Get, target);
            second.Headers.UserAgent.ParseAdd("Nightshift");
            using var stored = await _raw.SendAsync(second, cancellationToken);
            if (stored.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return null;
            }
            if (!stored.IsSuccessStatusCode)
            {
                var status = (int)stored.StatusCode;
                throw new ForgeException($"{action} failed: the store GitHub keeps logs in answered {status}; retry later", status >= 500 ? status : 502);
            }
            return await ReadTailAsync(stored.Content, maxBytes, cancellationToken);
        }
        if (answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return null;
        }
        if (!answer.IsSuccessStatusCode)
        {
            var detail = ForgeText.Detail(await ReadTextAsync(answer.Content, 4_096, cancellationToken), answer.Content.Headers.ContentType?.MediaType);
            throw GitHubErrors.Describe(_forge, action, "", (int)answer.StatusCode, GitHubErrors.HeadersOf(answer.Headers), detail, _time);
        }
        return await ReadTailAsync(answer.Content, maxBytes, cancellationToken);
    }

    /// <summary>The last <paramref name="maxBytes"/> bytes of the body, however long it is, as UTF-8 from a whole line on.</summary>
    private static async Task<string> ReadTailAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var size = content.Headers.ContentLength is { } length and >= 0 and < int.MaxValue ? (int)Math.Min(length, maxBytes) : maxBytes;
        var ring = new byte[Math.Max(1, size)];
        var chunk = new byte[81_920];
        long total = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (total + read > ring.Length && ring.Length < maxBytes)
            {
                // Content-Length was short of the truth: grow up to the cap.
                var grown = new byte[(int)Math.Min(maxBytes, Math.Max(total + read, (long)ring.Length * 2))];
                Buffer.BlockCopy(ring, 0, grown, 0, (int)Math.Min(total, ring.Length));
                ring = grown;
            }
            var from = Math.Max(0, read - ring.Length);
            for (var copied = from; copied < read;)
            {
                var at = (int)((total + copied) % ring.Length);
                var count = Math.Min(read - copied, ring.Length - at);
                Buffer.BlockCopy(chunk, copied, ring, at, count);
                copied += count;
            }
            total += read;
        }
        byte[] tail;
        if (total <= ring.Length)
        {
            tail = ring[..(int)total];
        }
        else
        {
            var start = (int)(total % ring.Length);
            tail = [.. ring[start..], .. ring[..start]];
        }
        if (total <= maxBytes)
        {
            return Encoding.UTF8.GetString(tail).Replace("\0", "", StringComparison.Ordinal);
        }
        var skip = 0;
        while (skip < tail.Length && (tail[skip] & 0xC0) == 0x80)
        {
            skip++;
        }
        var text = Encoding.UTF8.GetString(tail, skip, tail.Length - skip).Replace("\0", "", StringComparison.Ordinal);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline is >= 0 and < 4_096 ? text[(newline + 1)..] : text;
    }

    private static async Task<string> ReadTextAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }
        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    /// <summary>Asks page after page until <paramref name="take"/> says <paramref name="max"/> were kept, a page comes back short, or <see cref="MaxPages"/>.</summary>
    private async Task PageAsync<T>(string action, string notFound, int max, Func<ApiOptions, Task<IReadOnlyList<T>>> list, Func<T, int> take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var size = Math.Min(max, MaxPageSize);
        for (var page = 1; page <= MaxPages; page++)
        {
            var options = new ApiOptions { PageSize = size, PageCount = 1, StartPage = page };
            var items = await CallAsync(action, notFound, () => list(options), cancellationToken);
            foreach (var item in items)
            {
                if (take(item) >= max)
                {
                    return;
                }
            }
            if (items.Count < size)
            {
                return;
            }
        }
    }

    private ForgeIssue IssueOf(ForgeRepository repository, Issue issue) => new(
        issue.Number,
        Clip(issue.Title ?? "", MaxIssueTitleChars),
        Clip(issue.Body ?? "", CommentText.GitHubMaxChars),
        issue.HtmlUrl ?? $"https://{_endpoint.Host}/{repository}/issues/{issue.Number}",
        issue.User?.Login ?? "",
        [.. (issue.Labels ?? []).Select(l => l.Name).Where(n => n is not null)],
        issue.UpdatedAt ?? issue.CreatedAt);

    private static ThreadComment CommentOf(long id, User? user, string? body, DateTimeOffset created, string? url, string? path, int? line) => new(
        id.ToString(CultureInfo.InvariantCulture),
        user?.Login ?? "",
        user is not null && (user.Type == AccountType.Bot || (user.Login?.EndsWith("[bot]", StringComparison.Ordinal) ?? false)),
        Clip(body ?? "", CommentText.GitHubMaxChars),
        created,
        url,
        path,
        line);

    private static ForgePermission PermissionOf(string? permission, string? role) =>
        Fold(permission) is { } folded && folded != ForgePermission.None ? folded : Fold(role) ?? ForgePermission.None;

    private static ForgePermission? Fold(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "admin" => ForgePermission.Admin,
        "maintain" or "write" => ForgePermission.Write,
        "triage" or "read" => ForgePermission.Read,
        "none" => ForgePermission.None,
        _ => null,
    };

    private static int Number(long number, string what) =>
        number is >= 1 and <= int.MaxValue ? (int)number : throw new ForgeException($"{what} is not a GitHub issue or pull request number (1 to {int.MaxValue})", 400);

    private static long Id(string? id, string what) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ForgeException($"'{ForgeText.Detail(id ?? "", null)}' is not a GitHub {what} id (a positive number)", 400);

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private string RepositoryNotFound(ForgeRepository repository) =>
        $"GitHub knows no repository {repository} visible to the credential of {_forge}; check the address and that the token (or the App) can see the repository";

    private string ThreadNotFound(ForgeRepository repository, string what) =>
        $"GitHub knows no {what} in {repository} visible to the credential of {_forge}; check the number and that the token (or the App) may read the repository's issues and pull requests";

    /// <summary>The body of a reply; Octokit writes it as {"body": "…"}.</summary>
    private sealed class ReplyBody(string body)
    {
        public string Body { get; } = body;
    }

    [LoggerMessage(EventId = 7240, Level = LogLevel.Information, Message = "{Forge}: commented on {Thread} of {Repository}")]
    private static partial void LogCommented(ILogger logger, string forge, string thread, string repository);

    [LoggerMessage(EventId = 7241, Level = LogLevel.Information, Message = "{Forge}: replied to review comment {CommentId} of pull request #{Number} on {Repository}")]
    private static partial void LogReplied(ILogger logger, string forge, long commentId, int number, string repository);

    [LoggerMessage(EventId = 7242, Level = LogLevel.Information, Message = "{Forge}: no reaction on {Thread} of {Repository}: {Reason}")]
    private static partial void LogReactionRefused(ILogger logger, string forge, string thread, string repository, string reason);

    [LoggerMessage(EventId = 7243, Level = LogLevel.Information, Message = "{Forge}: GitHub keeps no log for job {Job} of {Repository} (not an Actions job, or the log expired)")]
    private static partial void LogNoCheckLog(ILogger logger, string forge, long job, string repository);
}
