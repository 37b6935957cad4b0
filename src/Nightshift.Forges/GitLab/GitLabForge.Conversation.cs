using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.GitLab;

/// <summary>
/// The issue side of GitLab: members' access levels, notes on issues and merge requests, notes in a diff discussion,
/// award emoji, labelled issues and a job's log. A review comment's id is <c>discussionId:noteId</c>: GitLab answers
/// a diff note inside its discussion, so the id carries both.
/// </summary>
public sealed partial class GitLabForge : IForgeConversation
{
    /// <summary>The longest comment text kept from what GitLab lists; the rest is cut with a marker.</summary>
    public const int MaxCommentChars = 64 * 1024;

    private const int PageSize = 100;

    /// <summary>At most this many pages are read for one list: 2,000 notes or discussions.</summary>
    private const int MaxPages = 20;

    private const int MaxUserNameLength = 255;

    private const int MaxLogBytes = 4 * 1024 * 1024;

    public async Task<ForgePermission> GetPermissionAsync(ForgeRepository repository, string user, CancellationToken cancellationToken = default)
    {
        var project = Project(repository);
        var name = user?.Trim().TrimStart('@') ?? string.Empty;
        if (name.Length is 0 or > MaxUserNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            // Not a name GitLab gives anyone: nobody to look up.
            return ForgePermission.None;
        }
        var users = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Get, $"users?username={Uri.EscapeDataString(name)}", null,
                $"look up user '{name}'", "GitLab has no user search here: check the API address"),
            cancellationToken).ConfigureAwait(false);
        var match = users.Items.FirstOrDefault(u => string.Equals(ForgeJson.String(u, "username"), name, StringComparison.OrdinalIgnoreCase));
        if (match.ValueKind != JsonValueKind.Object || ForgeJson.Number(match, "id") is not { } id)
        {
            return ForgePermission.None;
        }
        var member = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Get, $"projects/{ProjectId(project)}/members/all/{id.ToString(CultureInfo.InvariantCulture)}", null,
                $"read the role of '{name}' in {project.Path}", "not a member", Expected: [404]),
            cancellationToken).ConfigureAwait(false);
        if (!member.Success || member.Json is not { ValueKind: JsonValueKind.Object } json)
        {
            return ForgePermission.None;
        }
        if (ForgeJson.String(json, "state") is { } state && state != "active")
        {
            return ForgePermission.None;
        }
        var permission = AccessLevel(ForgeJson.Number(json, "access_level"));
        LogPermission(_logger, project.Path, name, permission);
        return permission;
    }

    public async Task<PostedComment> CommentAsync(ForgeRepository repository, ForgeThread thread, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var text = CommentText(body);
        var project = Project(repository);
        var path = ThreadPath(project, thread);
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{path}/notes", new JsonObject { ["body"] = text },
                $"comment on {Shown(thread)} of {project.Path}",
                $"GitLab has no {Shown(thread)} in '{project.Path}' that this token can see: check the number and the repository address",
                Replayable: false),
            cancellationToken).ConfigureAwait(false);
        var noteId = reply.Number("id") ?? throw NoId(reply, $"the note on {Shown(thread)}");
        LogNoted(_logger, project.Path, Shown(thread));
        return new PostedComment(noteId.ToString(CultureInfo.InvariantCulture), NoteUrl(project, thread, noteId));
    }

    public async Task<PostedComment> ReplyToReviewCommentAsync(ForgeRepository repository, long pullRequest, string commentId, string body, CancellationToken cancellationToken = default)
    {
        var (discussion, _) = ReviewCommentId(commentId);
        var text = CommentText(body);
        var project = Project(repository);
        var thread = new ForgeThread(ForgeThreadKind.PullRequest, pullRequest);
        var path = ThreadPath(project, thread);
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{path}/discussions/{discussion}/notes", new JsonObject { ["body"] = text },
                $"reply in discussion {discussion} of {Shown(thread)} of {project.Path}",
                $"GitLab has no discussion {discussion} on {Shown(thread)} of '{project.Path}' that this token can see: the review comment may have been deleted",
                Replayable: false),
            cancellationToken).ConfigureAwait(false);
        var noteId = reply.Number("id") ?? throw NoId(reply, $"the reply in discussion {discussion}");
        LogNoted(_logger, project.Path, Shown(thread));
        return new PostedComment($"{discussion}:{noteId.ToString(CultureInfo.InvariantCulture)}", NoteUrl(project, thread, noteId));
    }

    public async Task<bool> ReactAsync(ForgeRepository repository, ForgeThread thread, string? commentId, ForgeReaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var project = Project(repository);
        var path = ThreadPath(project, thread);
        if (commentId is not null)
        {
            // A review comment's id is discussionId:noteId; an ordinary note's is the note id alone.
            var note = commentId.Contains(':', StringComparison.Ordinal) ? ReviewCommentId(commentId).Note : NoteId(commentId);
            path += $"/notes/{note.ToString(CultureInfo.InvariantCulture)}";
        }
        var name = reaction switch
        {
            ForgeReaction.Eyes => "eyes",
            ForgeReaction.Rocket => "rocket",
            ForgeReaction.Confused => "confused",
            _ => throw new ArgumentOutOfRangeException(nameof(reaction), reaction, "no GitLab emoji for this reaction"),
        };
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{path}/award_emoji", new JsonObject { ["name"] = name },
                $"react with :{name}: on {Shown(thread)} of {project.Path}", "gone", Expected: [404]),
            cancellationToken).ConfigureAwait(false);
        if (reply.Success)
        {
            return true;
        }
        // GitLab answers an emoji already awarded by this user with 404 "Award Emoji Name has already been taken".
        if (reply.Detail.Contains("already", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        throw new ForgeException(
            $"GitLab at {_endpoint.Host} has no {Shown(thread)}{(commentId is null ? "" : $" comment {commentId}")} in '{project.Path}' that this token can see, so no :{name}: was put on it: check the number and the repository address",
            reply.Status);
    }

    public async Task<IReadOnlyList<ForgeIssue>> ListLabelledIssuesAsync(ForgeRepository repository, string label, DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        if (string.IsNullOrWhiteSpace(label) || label.Length > 255 || label.Contains(',', StringComparison.Ordinal) || label.Any(char.IsControl))
        {
            throw new ForgeException($"the label '{ForgeText.Title(label, "", null)}' cannot be searched on GitLab: GitLab takes labels as one comma-separated list, so a label must be 1–255 characters without commas or control characters");
        }
        var project = Project(repository);
        var after = Uri.EscapeDataString(since.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        var issues = new List<ForgeIssue>();
        for (var page = 1; page <= MaxPages && issues.Count < max; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get,
                    $"projects/{ProjectId(project)}/issues?labels={Uri.EscapeDataString(label)}&state=opened&updated_after={after}&order_by=updated_at&sort=desc&per_page={PageSize}&page={page.ToString(CultureInfo.InvariantCulture)}",
                    null, $"list the open issues labelled '{label}' in {project.Path}",
                    $"GitLab has no project '{project.Path}' that this token can see: check the repository address"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            foreach (var item in items)
            {
                if (ToIssue(item, label, since) is { } issue && issues.Count < max)
                {
                    issues.Add(issue);
                }
            }
            if (items.Count < PageSize)
            {
                break;
            }
        }
        return [.. issues.OrderByDescending(i => i.UpdatedAt)];
    }

    public async Task<IReadOnlyList<ThreadComment>> ListCommentsAsync(ForgeRepository repository, ForgeThread thread, DateTimeOffset? since, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thread);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var project = Project(repository);
        var path = ThreadPath(project, thread);
        var comments = new List<ThreadComment>();
        for (var page = 1; page <= MaxPages && comments.Count < max; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{path}/notes?sort=asc&order_by=created_at&per_page={PageSize}&page={page.ToString(CultureInfo.InvariantCulture)}", null,
                    $"list the comments on {Shown(thread)} of {project.Path}",
                    $"GitLab has no {Shown(thread)} in '{project.Path}' that this token can see: check the number and the repository address"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            foreach (var note in items)
            {
                // Review comments (diff notes) are listed apart; system notes ("added label…") are GitLab's, not people's.
                if (IsSystem(note) || ForgeJson.String(note, "type") == "DiffNote" || ToComment(note, null, project, thread) is not { } comment)
                {
                    continue;
                }
                if ((since is null || comment.CreatedAt >= since) && comments.Count < max)
                {
                    comments.Add(comment);
                }
            }
            if (items.Count < PageSize)
            {
                break;
            }
        }
        return [.. comments.OrderBy(c => c.CreatedAt)];
    }

    public async Task<IReadOnlyList<ThreadComment>> ListReviewCommentsAsync(ForgeRepository repository, long pullRequest, string? reviewId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var project = Project(repository);
        var thread = new ForgeThread(ForgeThreadKind.PullRequest, pullRequest);
        var path = ThreadPath(project, thread);
        var comments = new List<ThreadComment>();
        for (var page = 1; page <= MaxPages && comments.Count < max; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{path}/discussions?per_page={PageSize}&page={page.ToString(CultureInfo.InvariantCulture)}", null,
                    $"list the discussions of {Shown(thread)} of {project.Path}",
                    $"GitLab has no {Shown(thread)} in '{project.Path}' that this token can see: check the number and the repository address"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            foreach (var discussion in items)
            {
                if (ForgeJson.String(discussion, "id") is not { } discussionId || !IsDiscussionId(discussionId)
                    || !discussion.TryGetProperty("notes", out var notes) || notes.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                foreach (var note in notes.EnumerateArray())
                {
                    if (!IsSystem(note) && ForgeJson.String(note, "type") == "DiffNote"
                        && ToComment(note, discussionId, project, thread) is { } comment && comments.Count < max)
                    {
                        comments.Add(comment);
                    }
                }
            }
            if (items.Count < PageSize)
            {
                break;
            }
        }
        return [.. comments.OrderBy(c => c.CreatedAt)];
    }

    public async Task<string?> GetCheckLogAsync(ForgeRepository repository, string checkId, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (string.IsNullOrEmpty(checkId) || checkId.Length > 20 || !checkId.All(char.IsAsciiDigit) || !long.TryParse(checkId, CultureInfo.InvariantCulture, out var job) || job <= 0)
        {
            throw new ForgeException($"'{ForgeText.Title(checkId, "", null)}' is not a GitLab job id: a failed check on GitLab is named by its job's number");
        }
        var project = Project(repository);
        var limit = Math.Min(maxBytes, MaxLogBytes);
        var (_, tail) = await _rest.SendForTailAsync(
            new ForgeRequest(HttpMethod.Get, $"projects/{ProjectId(project)}/jobs/{job.ToString(CultureInfo.InvariantCulture)}/trace", null,
                $"read the log of job {job} in {project.Path}", "no log", Expected: [404]),
            limit + 1, cancellationToken).ConfigureAwait(false);
        if (tail is null)
        {
            LogNoJobLog(_logger, project.Path, job);
            return null;
        }
        var cut = tail.Length > limit;
        return GitLabJobLog.FromTail(cut ? tail.AsSpan(1) : tail, cut);
    }

    internal static ForgePermission AccessLevel(long? level) => level switch
    {
        >= 50 => ForgePermission.Admin,
        >= 30 => ForgePermission.Write,
        >= 10 => ForgePermission.Read,
        _ => ForgePermission.None,
    };

    /// <summary>Splits a review comment id, <c>discussionId:noteId</c>, as <see cref="ListReviewCommentsAsync"/> gives them.</summary>
    internal static (string Discussion, long Note) ReviewCommentId(string? commentId)
    {
        var colon = commentId?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (commentId is null || colon <= 0 || !IsDiscussionId(commentId[..colon])
            || !long.TryParse(commentId.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var note) || note <= 0)
        {
            throw new ForgeException($"'{ForgeText.Title(commentId, "", null)}' is not a GitLab review comment id: expected discussionId:noteId, as Nightshift lists GitLab's review comments and reads them from webhooks");
        }
        return (commentId[..colon], note);
    }

    private static long NoteId(string commentId) =>
        long.TryParse(commentId, NumberStyles.None, CultureInfo.InvariantCulture, out var note) && note > 0
            ? note
            : throw new ForgeException($"'{ForgeText.Title(commentId, "", null)}' is not a GitLab note id: expected a number, or discussionId:noteId for a review comment");

    private static bool IsDiscussionId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiHexDigit);

    private static bool IsSystem(JsonElement note) =>
        note.ValueKind != JsonValueKind.Object
        || (note.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.True);

    /// <summary>
    /// GitLab marks bot users (project and group access tokens, service accounts) with "bot" where it shows it; where it
    /// does not, their generated names give them away (<see cref="LooksLikeBot"/>).
    /// </summary>
    internal static bool IsBot(JsonElement user)
    {
        if (user.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        if (user.TryGetProperty("bot", out var bot) && bot.ValueKind == JsonValueKind.True)
        {
            return true;
        }
        return LooksLikeBot(ForgeJson.String(user, "username") ?? string.Empty);
    }

    /// <summary>A user name GitLab gives only to bots: project_123_bot_…, group_45_bot_…, service_account_…, and its own helpers.</summary>
    public static bool LooksLikeBot(string username) => BotName().IsMatch(username ?? string.Empty);

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:project|group)_\d+_bot(?:_[0-9a-f]+)?\d*$|^service_account_|^(?:ghost|support-bot|alert-bot|visual-review-bot|automation-bot\d*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex BotName();

    private ThreadComment? ToComment(JsonElement note, string? discussionId, RepositoryPath project, ForgeThread thread)
    {
        if (ForgeJson.Number(note, "id") is not { } id || ForgeJson.Object(note, "author") is not { } author
            || ForgeJson.String(author, "username") is not { Length: > 0 } username)
        {
            return null;
        }
        string? path = null;
        int? line = null;
        if (ForgeJson.Object(note, "position") is { } position)
        {
            path = ForgeJson.String(position, "new_path") ?? ForgeJson.String(position, "old_path");
            var number = ForgeJson.Number(position, "new_line") ?? ForgeJson.Number(position, "old_line");
            line = number is > 0 and <= int.MaxValue ? (int)number : null;
        }
        var noteId = id.ToString(CultureInfo.InvariantCulture);
        return new ThreadComment(
            discussionId is null ? noteId : $"{discussionId}:{noteId}",
            username,
            IsBot(author),
            Clip(ForgeJson.String(note, "body") ?? string.Empty),
            ForgeJson.Time(note, "created_at") ?? DateTimeOffset.UnixEpoch,
            NoteUrl(project, thread, id),
            path is null ? null : ForgeText.Title(path, "", null),
            line);
    }

    private static ForgeIssue? ToIssue(JsonElement item, string label, DateTimeOffset since)
    {
        if (ForgeJson.Number(item, "iid") is not { } iid || ForgeJson.WebUrl(item, "web_url") is not { } url)
        {
            return null;
        }
        var labels = ForgeJson.Strings(item, "labels");
        var updated = ForgeJson.Time(item, "updated_at") ?? DateTimeOffset.UnixEpoch;
        // The query asked for these; what came back is checked anyway. Confidential issues never become tasks: their
        // text would end up in a branch and a merge request others can read.
        if (!labels.Contains(label, StringComparer.Ordinal) || ForgeJson.String(item, "state") is not (null or "opened")
            || (item.TryGetProperty("confidential", out var confidential) && confidential.ValueKind == JsonValueKind.True)
            || updated < since)
        {
            return null;
        }
        var author = ForgeJson.Object(item, "author") is { } a ? ForgeJson.String(a, "username") ?? "" : "";
        return new ForgeIssue(iid, ForgeText.Title(ForgeJson.String(item, "title"), $"Issue #{iid}", null), Clip(ForgeJson.String(item, "description") ?? ""), url, author, labels, updated);
    }

    private RepositoryPath Project(ForgeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return RepositoryPath.Parse($"https://{repository.Host}/{repository.Owner}/{repository.Name}", _endpoint, Dialect.Product);
    }

    private static string ThreadPath(RepositoryPath project, ForgeThread thread)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(thread.Number);
        var kind = thread.Kind == ForgeThreadKind.Issue ? "issues" : "merge_requests";
        return $"projects/{ProjectId(project)}/{kind}/{thread.Number.ToString(CultureInfo.InvariantCulture)}";
    }

    private string NoteUrl(RepositoryPath project, ForgeThread thread, long noteId)
    {
        var web = _endpoint.ApiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (web.EndsWith("/api/v4", StringComparison.OrdinalIgnoreCase))
        {
            web = web[..^"/api/v4".Length];
        }
        var kind = thread.Kind == ForgeThreadKind.Issue ? "issues" : "merge_requests";
        var path = string.Join('/', project.Segments.Select(Uri.EscapeDataString));
        return $"{web}/{path}/-/{kind}/{thread.Number.ToString(CultureInfo.InvariantCulture)}#note_{noteId.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string CommentText(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new ArgumentException("a comment needs some text", nameof(body));
        }
        return GitLabMarkdown.Quiet(body, ForgeText.MaxBodyLength);
    }

    private static string Clip(string text)
    {
        if (text.Length <= MaxCommentChars)
        {
            return text;
        }
        var end = char.IsHighSurrogate(text[MaxCommentChars - 1]) ? MaxCommentChars - 1 : MaxCommentChars;
        return text[..end] + "\n\n… (cut by Nightshift)";
    }

    private static string Shown(ForgeThread thread) =>
        thread.Kind == ForgeThreadKind.Issue
            ? $"issue #{thread.Number.ToString(CultureInfo.InvariantCulture)}"
            : $"merge request !{thread.Number.ToString(CultureInfo.InvariantCulture)}";

    private ForgeException NoId(ForgeReply reply, string what) =>
        new($"GitLab at {_endpoint.Host} answered without the id of {what}: check that {_endpoint.Name}'s API address is the GitLab API v4", reply.Status);

    [LoggerMessage(EventId = 7260, Level = LogLevel.Debug, Message = "GitLab: {User} has {Permission} access to {Project}")]
    private static partial void LogPermission(ILogger logger, string project, string user, ForgePermission permission);

    [LoggerMessage(EventId = 7261, Level = LogLevel.Information, Message = "GitLab: commented on {Thread} of {Project}")]
    private static partial void LogNoted(ILogger logger, string project, string thread);

    [LoggerMessage(EventId = 7262, Level = LogLevel.Information, Message = "GitLab: job {Job} of {Project} has no log")]
    private static partial void LogNoJobLog(ILogger logger, string project, long job);
}
