using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.GitLab;

using static Nightshift.Server.Webhooks.WebhookJson;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Reads a verified GitLab delivery into a <see cref="TriggerEvent"/>, or says why it asks for nothing. Shapes are
/// GitLab's webhook events: <c>Issue Hook</c> (the label added: <c>changes.labels</c> previous → current),
/// <c>Note Hook</c> (a comment on an issue or merge request; a diff note is a review comment) and <c>Pipeline Hook</c>
/// (a failed merge request pipeline). Everything copied is people's text: clipped, never read for instructions here.
/// Confidential issues and internal notes are never acted on: their text would end up where others can read it.
/// </summary>
internal static class GitLabWebhookParser
{
    public const string Forge = "gitlab";

    /// <summary>The longest issue description, comment or review comment kept from a delivery.</summary>
    public const int MaxTextChars = 64 * 1024;

    private const int MaxUrlLength = 500;

    private const int MaxNameLength = 100;

    /// <returns>the trigger, or null and why nothing is done.</returns>
    /// <exception cref="ValidationException">a delivery that could trigger lacks a field the trigger needs, or holds an unusable one.</exception>
    public static (TriggerEvent? Trigger, string? IgnoredBecause) Parse(JsonElement payload, string eventName, GitLabWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var kind = Text(payload, "object_kind");
        var expected = eventName switch
        {
            "Issue Hook" or "Confidential Issue Hook" => "issue",
            "Note Hook" or "Confidential Note Hook" => "note",
            "Pipeline Hook" => "pipeline",
            _ => null,
        };
        if (expected is null)
        {
            return Ignore($"the GitLab event '{Clip(eventName, 60)}' starts nothing; issue, comment and pipeline events do");
        }
        if (kind != expected)
        {
            return Ignore($"the payload's object_kind '{Clip(kind ?? "", 40)}' does not match the event '{eventName}'");
        }
        if (eventName.StartsWith("Confidential", StringComparison.Ordinal))
        {
            return Ignore("confidential issues and internal notes start nothing: their text would end up in a branch and a merge request others can read");
        }
        return kind switch
        {
            "issue" => Issue(payload, options),
            "note" => Note(payload),
            _ => Pipeline(payload),
        };
    }

    private static (TriggerEvent?, string?) Issue(JsonElement payload, GitLabWebhookOptions options)
    {
        var attributes = Object(payload, "object_attributes");
        var action = Text(attributes, "action");
        if (action is not ("update" or "open" or "reopen"))
        {
            return Ignore($"the issue action '{Clip(action ?? "", 40)}' starts nothing; only adding the label '{options.Label}' does");
        }
        if (Flag(attributes, "confidential"))
        {
            return Ignore("confidential issues start nothing: their text would end up in a branch and a merge request others can read");
        }
        if (Text(attributes, "state") is { } state && state != "opened")
        {
            return Ignore($"the issue is {Clip(state, 20)}; only open issues start tasks");
        }
        if (!LabelAdded(payload, options.Label))
        {
            return Ignore($"the label '{options.Label}' was not added to the issue");
        }
        var (repository, repositoryUrl) = Project(payload);
        var (actor, bot) = User(payload);
        var iid = Iid(attributes, "object_attributes.iid");
        return Accept(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.IssueLabelled,
            RepositoryUrl = repositoryUrl,
            Repository = repository,
            Thread = new ForgeThread(ForgeThreadKind.Issue, iid),
            ThreadUrl = Url(attributes, "object_attributes.url"),
            ThreadTitle = Title(attributes, "object_attributes.title", iid),
            ThreadBody = Body(Text(attributes, "description")),
            Actor = actor,
            ActorIsBot = bot,
            Label = options.Label,
            At = Time(attributes, "updated_at"),
        });
    }

    private static (TriggerEvent?, string?) Note(JsonElement payload)
    {
        var note = Object(payload, "object_attributes");
        var noteable = Text(note, "noteable_type");
        if (noteable is not ("Issue" or "MergeRequest"))
        {
            return Ignore($"a comment on a {Clip(noteable ?? "thing GitLab did not name", 40)} starts nothing; comments on issues and merge requests do");
        }
        if (Text(note, "action") is { } action && action != "create")
        {
            return Ignore($"the comment action '{Clip(action, 40)}' starts nothing; only new comments do");
        }
        if (Flag(note, "system"))
        {
            return Ignore("GitLab's own system notes start nothing");
        }
        if (Flag(note, "internal") || Flag(note, "confidential"))
        {
            return Ignore("internal notes start nothing: their text would end up where others can read it");
        }
        var (repository, repositoryUrl) = Project(payload);
        var (actor, bot) = User(payload);
        var noteId = note.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var n) && n > 0
            ? n
            : throw new ValidationException("object_attributes.id", "is missing or not a positive whole number; send the delivery as GitLab writes it");
        var text = Body(Text(note, "note"));
        var at = Time(note, "created_at");

        if (noteable == "Issue")
        {
            var issue = Object(payload, "issue");
            if (Flag(issue, "confidential"))
            {
                return Ignore("comments on confidential issues start nothing: their text would end up in a branch and a merge request others can read");
            }
            var iid = Iid(issue, "issue.iid");
            return Accept(new TriggerEvent
            {
                Forge = Forge,
                Kind = TriggerKind.Comment,
                RepositoryUrl = repositoryUrl,
                Repository = repository,
                Thread = new ForgeThread(ForgeThreadKind.Issue, iid),
                ThreadUrl = Url(issue, "issue.url"),
                ThreadTitle = Title(issue, "issue.title", iid),
                ThreadBody = Body(Text(issue, "description")),
                Actor = actor,
                ActorIsBot = bot,
                CommentId = noteId.ToString(CultureInfo.InvariantCulture),
                CommentBody = text,
                At = at,
            });
        }

        var mr = Object(payload, "merge_request");
        var number = Iid(mr, "merge_request.iid");
        var trigger = new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.Comment,
            RepositoryUrl = repositoryUrl,
            Repository = repository,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, number),
            ThreadUrl = Url(mr, "merge_request.url"),
            ThreadTitle = Title(mr, "merge_request.title", number),
            ThreadBody = Body(Text(mr, "description")),
            Actor = actor,
            ActorIsBot = bot,
            FromFork = FromFork(mr),
            HeadBranch = Branch(mr, "merge_request.source_branch"),
            At = at,
        };
        var position = note.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        if (Text(note, "type") != "DiffNote" && position is null)
        {
            return Accept(trigger with { CommentId = noteId.ToString(CultureInfo.InvariantCulture), CommentBody = text });
        }

        // A comment on a line of the diff: a review of one comment. Its id carries its discussion, where the answer goes.
        var discussion = Text(note, "discussion_id");
        if (discussion is null || discussion.Length is 0 or > 64 || !discussion.All(char.IsAsciiHexDigit))
        {
            throw new ValidationException("object_attributes.discussion_id", "is missing or not GitLab's hex discussion id; send the delivery as GitLab writes it");
        }
        var commentId = $"{discussion}:{noteId.ToString(CultureInfo.InvariantCulture)}";
        string? path = null;
        int? line = null;
        if (position is { } place)
        {
            path = Text(place, "new_path") ?? Text(place, "old_path");
            path = path is null ? null : Clip(OneLine(path), 500);
            line = (Number(place, "new_line") ?? Number(place, "old_line")) is { } l and > 0 and <= int.MaxValue ? (int)l : null;
        }
        var url = Text(note, "url") is { } link && IsWebUrl(link) ? link : null;
        return Accept(trigger with
        {
            Kind = TriggerKind.Review,
            CommentId = commentId,
            ReviewState = "commented",
            ReviewComments = [new ThreadComment(commentId, actor, bot, text, at ?? DateTimeOffset.UnixEpoch, url, path, line)],
        });
    }

    private static (TriggerEvent?, string?) Pipeline(JsonElement payload)
    {
        var attributes = Object(payload, "object_attributes");
        var status = Text(attributes, "status");
        if (status != "failed")
        {
            return Ignore($"the pipeline is {Clip(status ?? "of no status", 30)}; only failed pipelines start a fix");
        }
        if (!payload.TryGetProperty("merge_request", out var mr) || mr.ValueKind != JsonValueKind.Object)
        {
            return Ignore("the failed pipeline is not a merge request pipeline, so no merge request is named; run the project's pipelines for merge requests (rules: if $CI_PIPELINE_SOURCE == \"merge_request_event\") to have failures fixed");
        }
        if (Text(mr, "state") is { } state && state != "opened")
        {
            return Ignore($"the pipeline's merge request is {Clip(state, 20)}; only open ones are fixed");
        }
        var (repository, repositoryUrl) = Project(payload);
        var (actor, bot) = User(payload);
        var number = Iid(mr, "merge_request.iid");
        var pipeline = Number(attributes, "id");

        // The job to read: the first failed one whose failure fails the pipeline (allow_failure jobs do not).
        JsonElement? failed = null;
        if (payload.TryGetProperty("builds", out var builds) && builds.ValueKind == JsonValueKind.Array)
        {
            failed = builds.EnumerateArray()
                .Where(b => b.ValueKind == JsonValueKind.Object && Text(b, "status") == "failed" && Number(b, "id") is > 0)
                .OrderBy(b => Flag(b, "allow_failure") ? 1 : 0)
                .ThenBy(b => Number(b, "id"))
                .Cast<JsonElement?>()
                .FirstOrDefault();
        }
        var pipelineName = $"pipeline #{pipeline?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
        string? checkId = null;
        var checkName = Clip(OneLine(Text(attributes, "name") ?? pipelineName), 200);
        var summary = $"GitLab {pipelineName} failed on {Text(attributes, "ref") ?? "the merge request's branch"}";
        if (failed is { } job)
        {
            checkId = Number(job, "id")!.Value.ToString(CultureInfo.InvariantCulture);
            var name = Clip(OneLine(Text(job, "name") ?? "job"), 200);
            checkName = name;
            summary += $": job '{name}' in stage '{Clip(OneLine(Text(job, "stage") ?? "?"), 100)}' failed ({Clip(OneLine(Text(job, "failure_reason") ?? "no reason given"), 100)})";
        }
        return Accept(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.CheckFailed,
            RepositoryUrl = repositoryUrl,
            Repository = repository,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, number),
            ThreadUrl = Url(mr, "merge_request.url"),
            ThreadTitle = Title(mr, "merge_request.title", number),
            Actor = actor,
            ActorIsBot = bot,
            FromFork = FromFork(mr),
            HeadBranch = Branch(mr, "merge_request.source_branch"),
            CheckId = checkId,
            CheckName = checkName,
            CheckSummary = summary,
            At = Time(attributes, "finished_at"),
        });
    }

    /// <summary>
    /// The label was added by this change: in <c>changes.labels</c> current but not previous; an issue opened with the
    /// label carries it without a change on some GitLab versions.
    /// </summary>
    private static bool LabelAdded(JsonElement payload, string label)
    {
        if (payload.TryGetProperty("changes", out var changes) && changes.ValueKind == JsonValueKind.Object
            && changes.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            return Titles(labels, "current").Contains(label, StringComparer.OrdinalIgnoreCase)
                && !Titles(labels, "previous").Contains(label, StringComparer.OrdinalIgnoreCase);
        }
        return Text(Object(payload, "object_attributes"), "action") == "open"
            && Titles(payload, "labels").Contains(label, StringComparer.OrdinalIgnoreCase);
    }

    private static IEnumerable<string> Titles(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Object ? Text(l, "title") : null).OfType<string>()
            : [];

    private static (string Repository, string Url) Project(JsonElement payload)
    {
        var project = Object(payload, "project");
        var path = Text(project, "path_with_namespace");
        if (path is null || path.Length is 0 or > 300 || !path.Contains('/', StringComparison.Ordinal) || path.Any(char.IsControl)
            || path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ValidationException("project.path_with_namespace", "is missing or not group/…/name of at most 300 characters; send the delivery as GitLab writes it");
        }
        var url = Text(project, "git_http_url");
        if (url is null || url.Length > MaxUrlLength || !IsWebUrl(url))
        {
            throw new ValidationException("project.git_http_url", $"is missing or not an http(s) address of at most {MaxUrlLength} characters; send the delivery as GitLab writes it");
        }
        return (path, url);
    }

    private static (string Name, bool Bot) User(JsonElement payload)
    {
        var user = Object(payload, "user");
        var name = Text(user, "username");
        if (name is null || name.Length is 0 or > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ValidationException("user.username", $"is missing or not a GitLab user name (letters, digits, _ - . and at most {MaxNameLength} characters)");
        }
        var bot = (user.TryGetProperty("bot", out var flag) && flag.ValueKind == JsonValueKind.True) || GitLabForge.LooksLikeBot(name);
        return (name, bot);
    }

    private static long Iid(JsonElement parent, string field) =>
        parent.TryGetProperty("iid", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0
            ? number
            : throw new ValidationException(field, "is missing or not a positive whole number; send the delivery as GitLab writes it");

    private static string Url(JsonElement parent, string field)
    {
        var url = Text(parent, field[(field.LastIndexOf('.') + 1)..]);
        return url is not null && url.Length <= MaxUrlLength && IsWebUrl(url)
            ? url
            : throw new ValidationException(field, $"is missing or not an http(s) address of at most {MaxUrlLength} characters; send the delivery as GitLab writes it");
    }

    private static string Title(JsonElement parent, string field, long number)
    {
        var title = OneLine(Text(parent, field[(field.LastIndexOf('.') + 1)..]) ?? "");
        return title.Length == 0 ? $"#{number.ToString(CultureInfo.InvariantCulture)}" : Clip(title, 300);
    }

    private static string Branch(JsonElement parent, string field)
    {
        var branch = Text(parent, field[(field.LastIndexOf('.') + 1)..]);
        return branch is { Length: > 0 and <= 255 } && !branch.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? branch
            : throw new ValidationException(field, "is missing or not a branch name; send the delivery as GitLab writes it");
    }

    private static bool FromFork(JsonElement mr) =>
        Number(mr, "source_project_id") is { } source && Number(mr, "target_project_id") is { } target && source != target;

    /// <summary>GitLab writes times as ISO 8601 in most events and as "2015-05-17 18:21:36 UTC" in older note and pipeline events.</summary>
    internal static DateTimeOffset? Time(JsonElement parent, string name)
    {
        var text = Text(parent, name);
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd HH:mm:ss zzz"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var legacy))
        {
            return legacy;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    private static string Body(string? text) => Clip((text ?? "").Replace('\0', '\uFFFD'), MaxTextChars, "\n\n[cut here by Nightshift; read the rest on GitLab]");

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var link) && link.Scheme is "https" or "http" && !url.Any(char.IsControl);

    private static (TriggerEvent?, string?) Ignore(string reason) => (null, reason);

    private static (TriggerEvent?, string?) Accept(TriggerEvent trigger) => (trigger, null);

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : throw new ValidationException(name, "is missing or not an object; send the delivery as GitLab writes it");

    private static long? Number(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static bool Flag(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
