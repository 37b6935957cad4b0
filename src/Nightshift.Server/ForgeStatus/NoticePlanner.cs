using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Forges.Conversation;

namespace Nightshift.Server.ForgeStatus;

/// <summary>
/// Turns one event of a task with an origin into the notices it calls for: a comment and a reaction when the task starts
/// and when it ends, a comment for a question, and a reply to each review comment a follow-up answered once it pushed.
/// </summary>
internal static class NoticePlanner
{
    public const int MaxQuotedChars = 3_000;

    private const int MaxFilesListed = 30;

    private const int MaxCommitsListed = 10;

    /// <param name="taskUrl">the task's page, when the server knows an address people can reach.</param>
    /// <param name="startOpen">a start was told and no end since: a retried attempt's start says nothing new.</param>
    /// <param name="history">the task's commit and push events before <paramref name="e"/>, when <see cref="NeedsHistory"/> says review replies need them.</param>
    public static IReadOnlyList<PlannedNotice> Plan(TaskRecord task, TaskEvent e, string? taskUrl, bool startOpen, IReadOnlyList<TaskEvent> history)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(e);
        var seq = e.Sequence.ToString(CultureInfo.InvariantCulture);
        switch (e.Type)
        {
            case EventTypes.TaskStarted when !startOpen:
                return
                [
                    new($"started:{seq}", NoticeKind.Comment, NoticeText.Comment(Started(task, taskUrl), task.Id, $"started:{seq}")),
                    new($"react-started:{seq}", NoticeKind.Reaction, string.Empty, ForgeReaction.Eyes),
                ];
            case EventTypes.TaskSucceeded or EventTypes.TaskFailed or EventTypes.TaskCancelled or EventTypes.TaskTimedOut or EventTypes.TaskNeedsReview or EventTypes.TaskDead:
                var data = Parse(e.Data);
                var notices = new List<PlannedNotice>
                {
                    new($"ended:{seq}", NoticeKind.Comment, NoticeText.Comment(Ended(task, e.Type, data, taskUrl), task.Id, $"ended:{seq}")),
                    new($"react-ended:{seq}", NoticeKind.Reaction, string.Empty, e.Type == EventTypes.TaskSucceeded ? ForgeReaction.Rocket : ForgeReaction.Confused),
                };
                if (NeedsHistory(task, e) && task.Origin is { } origin)
                {
                    var reply = ReviewReply(task, data, history, taskUrl);
                    if (reply is not null)
                    {
                        // Keyed by the comment alone: each review comment is answered once, whatever the task does later.
                        notices.AddRange(origin.ReviewComments.Distinct(StringComparer.Ordinal).Select(id =>
                            new PlannedNotice($"review-reply:{id}", NoticeKind.ReviewReply, NoticeText.Comment(reply, task.Id, $"review-reply:{id}"), ReviewComment: id)));
                    }
                }
                return notices;
            case EventTypes.TaskQuestion:
                return [new($"question:{seq}", NoticeKind.Comment, NoticeText.Comment(Question(task, Parse(e.Data), taskUrl), task.Id, $"question:{seq}"))];
            default:
                return [];
        }
    }

    /// <summary>A follow-up that answers review comments ended with a pushed change: the replies need its commits.</summary>
    public static bool NeedsHistory(TaskRecord task, TaskEvent e) =>
        e.Type is EventTypes.TaskSucceeded or EventTypes.TaskNeedsReview
        && task.Origin is { Kind: TaskOriginKind.PullRequest, ReviewComments.Count: > 0 };

    private static string Started(TaskRecord task, string? taskUrl)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"🌙 Nightshift started working on this as task {NoticeText.Code(task.ShortId)}");
        text.Append(taskUrl is null ? $" (`nightshift show {task.Id}`)." : $": {NoticeText.Link(taskUrl, "follow it here")}.");
        text.Append("\n\n").Append(NoticeText.Quote(task.Title, 300));
        text.Append("\n\nYou can tell it more while it runs: reply here, or `nightshift say ").Append(task.ShortId).Append(" \"…\"`.");
        return text.ToString();
    }

    private static string Ended(TaskRecord task, string type, JsonElement data, string? taskUrl)
    {
        var text = new StringBuilder();
        var id = NoticeText.Code(task.ShortId);
        var reason = String(data, "error") ?? String(data, "reason");
        var pullRequest = String(data, "pullRequest") ?? task.PullRequest;
        switch (type)
        {
            case EventTypes.TaskSucceeded when pullRequest is not null:
                text.Append(CultureInfo.InvariantCulture, $"✅ Task {id} is done: {NoticeText.Link(pullRequest, "the pull request")} has the change, and its checks passed.");
                AppendQuoted(text, "What it did:", String(data, "summary"));
                AppendQuoted(text, "Verification:", String(data, "verification"));
                break;
            case EventTypes.TaskSucceeded:
                text.Append(CultureInfo.InvariantCulture, $"✅ Task {id} is done; it changed nothing.");
                AppendQuoted(text, "Its answer:", String(data, "answer") ?? String(data, "summary"));
                break;
            case EventTypes.TaskNeedsReview:
                text.Append(CultureInfo.InvariantCulture, $"⚠️ Task {id} made a change, but the repository's tests did not pass with it, so {(pullRequest is null ? "its branch" : NoticeText.Link(pullRequest, "the pull request"))} is a draft for a person to review.");
                AppendQuoted(text, "Why the verification did not pass:", reason ?? String(data, "verification") ?? task.LastError);
                if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("stillFailing", out var failing) && failing.ValueKind == JsonValueKind.Array)
                {
                    AppendQuoted(text, "Still failing:", string.Join('\n', failing.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Take(20).Select(f => "- " + f.GetString())));
                }
                break;
            case EventTypes.TaskTimedOut:
                text.Append(CultureInfo.InvariantCulture, $"⏱️ Task {id} ran out of time");
                if (String(data, "phase") is { } phase)
                {
                    text.Append(" while ").Append(NoticeText.Inline(phase, 40));
                }
                text.Append(" and was stopped; nothing was published.");
                AppendQuoted(text, "Why:", reason);
                break;
            case EventTypes.TaskCancelled:
                text.Append(CultureInfo.InvariantCulture, $"🛑 Task {id} was cancelled; nothing more will happen for it.");
                AppendQuoted(text, "Why:", reason);
                break;
            case EventTypes.TaskDead:
                text.Append(CultureInfo.InvariantCulture, $"❌ Task {id} failed every attempt and gave up.");
                AppendQuoted(text, "What went wrong:", reason ?? task.LastError);
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"❌ Task {id} failed.");
                AppendQuoted(text, "What went wrong:", reason ?? task.LastError);
                break;
        }
        if (type != EventTypes.TaskSucceeded)
        {
            text.Append("\n\nA person can retry it (`nightshift retry ").Append(task.ShortId).Append("`) or ask again.");
        }
        if (taskUrl is not null)
        {
            text.Append("\n\n").Append(NoticeText.Link(taskUrl, "The task's page")).Append(" has its whole log.");
        }
        return text.ToString();
    }

    private static string Question(TaskRecord task, JsonElement data, string? taskUrl)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"❓ Task {NoticeText.Code(task.ShortId)} has a question and waits for an answer:");
        text.Append("\n\n").Append(NoticeText.Quote(String(data, "question"), MaxQuotedChars));
        text.Append("\n\nAnswer by replying here, or with `nightshift say ").Append(task.ShortId).Append(" \"your answer\"`");
        if (taskUrl is not null)
        {
            text.Append(" or on ").Append(NoticeText.Link(taskUrl, "the task's page"));
        }
        text.Append('.');
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("timesOutAt", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var timesOutAt))
        {
            text.Append(CultureInfo.InvariantCulture, $" Without an answer by {timesOutAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC it goes on");
            text.Append(String(data, "defaultAnswer") is { Length: > 0 } fallback ? " with:\n\n" + NoticeText.Quote(fallback, 1_000) : " on its own judgement.");
        }
        return text.ToString();
    }

    private static string? ReviewReply(TaskRecord task, JsonElement data, IReadOnlyList<TaskEvent> history, string? taskUrl)
    {
        var commits = new List<string>();
        var files = new SortedSet<string>(StringComparer.Ordinal);
        string? branch = task.Branch;
        foreach (var e in history)
        {
            var payload = Parse(e.Data);
            if (e.Type == EventTypes.CommitCreated && String(payload, "branch") is { } commitBranch && String(payload, "commit") is { } commit)
            {
                branch ??= commitBranch;
                commits.Add(commit);
                if (payload.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    files.UnionWith(list.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!));
                }
            }
            else if (e.Type == EventTypes.BranchPushed && String(payload, "branch") is { } pushed)
            {
                branch = pushed;
            }
        }
        if (commits.Count == 0)
        {
            // Nothing was pushed: there is no change to point the reviewer at; the end comment says what happened.
            return null;
        }
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"🔧 Addressed by task {NoticeText.Code(task.ShortId)}: ");
        text.Append(string.Join(", ", commits.Distinct(StringComparer.Ordinal).TakeLast(MaxCommitsListed).Select(c => NoticeText.Code(c.Length > 12 ? c[..12] : c))));
        text.Append(branch is null ? " pushed." : $" pushed to {NoticeText.Code(branch)}.");
        if (files.Count > 0)
        {
            text.Append("\n\nFiles changed: ").Append(string.Join(", ", files.Take(MaxFilesListed).Select(f => NoticeText.Code(f))));
            if (files.Count > MaxFilesListed)
            {
                text.Append(CultureInfo.InvariantCulture, $" and {files.Count - MaxFilesListed} more");
            }
            text.Append('.');
        }
        AppendQuoted(text, "What changed:", String(data, "summary"));
        if (taskUrl is not null)
        {
            text.Append("\n\n").Append(NoticeText.Link(taskUrl, "The task's page")).Append(" has the details.");
        }
        return text.ToString();
    }

    private static void AppendQuoted(StringBuilder text, string heading, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            text.Append("\n\n").Append(heading).Append('\n').Append(NoticeText.Quote(value, MaxQuotedChars));
        }
    }

    private static JsonElement Parse(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? String(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
