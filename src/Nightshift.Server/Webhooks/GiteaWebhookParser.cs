using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;

using static Nightshift.Server.Webhooks.WebhookJson;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Reads a verified Gitea (or Forgejo) delivery into a <see cref="TriggerEvent"/>, or says why it asks for nothing.
/// Gitea names an event twice: <c>X-Gitea-Event</c> (coarse: issues, issue_comment, pull_request_approved…) and, since
/// 1.20, <c>X-Gitea-Event-Type</c> (exact: issue_label, pull_request_comment, pull_request_review_rejected…); the exact
/// one wins when present. Note the clash: as <c>X-Gitea-Event</c>, "pull_request_comment" is a review comment, while as
/// <c>X-Gitea-Event-Type</c> it is a plain comment on a pull request; the payload's shape (a review or a comment) settles
/// it. Every text copied is people's text: data, never an instruction.
/// </summary>
internal static class GiteaWebhookParser
{
    public const string Forge = "gitea";

    /// <summary>Longest title kept; longer ones are cut with a marker.</summary>
    public const int MaxTitleLength = 1_000;

    /// <summary>Longest issue, comment or review text kept; longer ones are cut with a marker.</summary>
    public const int MaxTextLength = 100_000;

    private const int MaxUrlLength = 500;

    private static readonly HashSet<string> ReviewEvents = new(StringComparer.Ordinal)
    {
        "pull_request_review_approved", "pull_request_review_rejected", "pull_request_review_comment",
        "pull_request_approved", "pull_request_rejected", "pull_request_review",
    };

    /// <param name="eventName">X-Gitea-Event.</param>
    /// <param name="eventType">X-Gitea-Event-Type, when Gitea sent it.</param>
    /// <param name="endpoints">the configured forges: a repository on a host without a Gitea entry triggers nothing.</param>
    /// <exception cref="ValidationException">a delivery that would trigger lacks a field the trigger needs, or holds an unusable one.</exception>
    public static (TriggerEvent? Trigger, string? IgnoredBecause) Parse(
        JsonElement payload, string eventName, string? eventType, GiteaWebhookOptions options, IEnumerable<ForgeEndpoint> endpoints)
    {
        var kind = eventType ?? eventName;
        var action = Text(payload, "action");
        if (kind is "issue_label" || (kind is "issues" && action is "label_updated"))
        {
            return Labelled(payload, action, options, endpoints);
        }
        if (kind is "issues")
        {
            return Ignore($"the issue action '{Clip(OneLine(action ?? ""), 40)}' starts nothing; only adding the label '{options.Label}' does");
        }
        var isComment = kind is "issue_comment" || (kind is "pull_request_comment" && Has(payload, "comment") && !Has(payload, "review"));
        if (isComment)
        {
            return Comment(payload, action, endpoints);
        }
        if (ReviewEvents.Contains(kind) || (kind is "pull_request_comment" && Has(payload, "review")))
        {
            return Review(payload, kind, endpoints);
        }
        return kind switch
        {
            "status" => Status(payload),
            "workflow_job" => WorkflowJob(payload, action, endpoints),
            _ => Ignore($"the '{Clip(OneLine(kind), 60)}' event starts nothing; labels, comments, reviews and failed Actions jobs do"),
        };
    }

    private static (TriggerEvent?, string?) Labelled(JsonElement payload, string? action, GiteaWebhookOptions options, IEnumerable<ForgeEndpoint> endpoints)
    {
        if (action is not "label_updated")
        {
            return Ignore($"the label action '{Clip(OneLine(action ?? ""), 40)}' starts nothing; only adding the label '{options.Label}' does");
        }
        var issue = Object(payload, "issue", "issue");
        if (Has(issue, "pull_request"))
        {
            return Ignore("a label on a pull request starts nothing; label an issue");
        }
        // Gitea sends the labels the issue has now, not the one changed: one that was removed leaves it out.
        var label = Labels(issue).FirstOrDefault(l => string.Equals(l, options.Label, StringComparison.OrdinalIgnoreCase));
        if (label is null)
        {
            return Ignore($"the issue's labels do not include '{options.Label}'");
        }
        if (Text(issue, "state") is "closed")
        {
            return Ignore("the issue is closed");
        }
        if (Repository(payload, endpoints) is not { } repository)
        {
            return Ignore(NoForge(payload));
        }
        var (actor, bot) = Sender(payload);
        return Triggered(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.IssueLabelled,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(ForgeThreadKind.Issue, PositiveNumber(issue, "number", "issue.number")),
            ThreadUrl = WebUrl(issue, "html_url", "issue.html_url"),
            ThreadTitle = Title(issue, "issue.title"),
            ThreadBody = Body(Text(issue, "body")),
            Actor = actor,
            ActorIsBot = bot,
            Label = label,
            At = Time(issue, "updated_at"),
        });
    }

    private static (TriggerEvent?, string?) Comment(JsonElement payload, string? action, IEnumerable<ForgeEndpoint> endpoints)
    {
        if (action is not "created")
        {
            return Ignore($"the comment action '{Clip(OneLine(action ?? ""), 40)}' starts nothing; only a new comment does");
        }
        var issue = Object(payload, "issue", "issue");
        var comment = Object(payload, "comment", "comment");
        if (Repository(payload, endpoints) is not { } repository)
        {
            return Ignore(NoForge(payload));
        }
        var isPull = (payload.TryGetProperty("is_pull", out var p) && p.ValueKind == JsonValueKind.True) || Has(issue, "pull_request") || Has(payload, "pull_request");
        var pull = payload.TryGetProperty("pull_request", out var pr) && pr.ValueKind == JsonValueKind.Object ? pr : (JsonElement?)null;
        var (author, bot) = comment.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? User(user, "comment.user") : Sender(payload);
        return Triggered(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.Comment,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(isPull ? ForgeThreadKind.PullRequest : ForgeThreadKind.Issue, PositiveNumber(issue, "number", "issue.number")),
            ThreadUrl = WebUrl(issue, "html_url", "issue.html_url"),
            ThreadTitle = Title(issue, "issue.title"),
            ThreadBody = Body(Text(issue, "body")),
            Actor = author,
            ActorIsBot = bot,
            FromFork = pull is { } fork && FromFork(fork, repository.FullName),
            CommentId = PositiveNumber(comment, "id", "comment.id").ToString(CultureInfo.InvariantCulture),
            CommentBody = Body(Text(comment, "body")),
            HeadBranch = pull is { } head ? HeadBranch(head, required: false) : null,
            At = Time(comment, "created_at"),
        });
    }

    private static (TriggerEvent?, string?) Review(JsonElement payload, string kind, IEnumerable<ForgeEndpoint> endpoints)
    {
        var pull = Object(payload, "pull_request", "pull_request");
        var review = Object(payload, "review", "review");
        if (Text(pull, "state") is "closed")
        {
            return Ignore("the pull request is closed");
        }
        if (Repository(payload, endpoints) is not { } repository)
        {
            return Ignore(NoForge(payload));
        }
        var type = Text(review, "type") ?? kind;
        var state = type switch
        {
            _ when type.EndsWith("approved", StringComparison.Ordinal) => "approved",
            _ when type.EndsWith("rejected", StringComparison.Ordinal) => "changes_requested",
            _ => "commented",
        };
        var number = payload.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var value) && value > 0
            ? value
            : PositiveNumber(pull, "number", "pull_request.number");
        var (actor, bot) = Sender(payload);
        return Triggered(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.Review,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, number),
            ThreadUrl = WebUrl(pull, "html_url", "pull_request.html_url"),
            ThreadTitle = Title(pull, "pull_request.title"),
            ThreadBody = Body(Text(pull, "body")),
            Actor = actor,
            ActorIsBot = bot,
            FromFork = FromFork(pull, repository.FullName),
            // Gitea's review delivery carries no review id: the review comments are listed from the pull request.
            ReviewState = state,
            ReviewBody = Body(Text(review, "content")),
            HeadBranch = HeadBranch(pull, required: true),
            At = Time(pull, "updated_at"),
        });
    }

    private static (TriggerEvent?, string?) Status(JsonElement payload)
    {
        var state = Text(payload, "state");
        if (state is not ("failure" or "error"))
        {
            return Ignore($"the commit status '{Clip(OneLine(state ?? ""), 20)}' is not a failure");
        }
        // Gitea's status delivery names the commit only (no branches, no pull request), and the route never asks the
        // forge: a failed Actions job arrives tied to its pull request as a workflow_job delivery instead.
        return Ignore("Gitea's status delivery names neither a branch nor a pull request, so the failure cannot be tied to one; subscribe the webhook to Workflow Job events (Gitea 1.24 and later) to have failed Actions jobs fixed");
    }

    private static (TriggerEvent?, string?) WorkflowJob(JsonElement payload, string? action, IEnumerable<ForgeEndpoint> endpoints)
    {
        var job = Object(payload, "workflow_job", "workflow_job");
        var conclusion = Text(job, "conclusion");
        if (action is not "completed" || conclusion is not "failure")
        {
            return Ignore($"the Actions job ended '{Clip(OneLine((string.IsNullOrEmpty(conclusion) ? action : conclusion) ?? ""), 20)}', not in failure");
        }
        if (!(payload.TryGetProperty("pull_request", out var pull) && pull.ValueKind == JsonValueKind.Object))
        {
            return Ignore("the failed Actions job ran for no pull request");
        }
        if (Repository(payload, endpoints) is not { } repository)
        {
            return Ignore(NoForge(payload));
        }
        var name = Title(job, "workflow_job.name");
        var url = Text(job, "html_url") is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && link.Length <= MaxUrlLength
            ? " (" + uri.AbsoluteUri + ")"
            : "";
        var (actor, bot) = Sender(payload);
        return Triggered(new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.CheckFailed,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, PositiveNumber(pull, "number", "pull_request.number")),
            ThreadUrl = WebUrl(pull, "html_url", "pull_request.html_url"),
            ThreadTitle = Title(pull, "pull_request.title"),
            ThreadBody = Body(Text(pull, "body")),
            Actor = actor,
            ActorIsBot = bot,
            FromFork = FromFork(pull, repository.FullName),
            CheckId = PositiveNumber(job, "id", "workflow_job.id").ToString(CultureInfo.InvariantCulture),
            CheckName = name,
            CheckSummary = $"the Actions job '{name}' failed{url}",
            HeadBranch = HeadBranch(pull, required: false) ?? (Text(job, "head_branch") is { Length: > 0 } branch ? OneLine(branch) : null),
            At = Time(job, "completed_at"),
        });
    }

    private static (string CloneUrl, string FullName)? Repository(JsonElement payload, IEnumerable<ForgeEndpoint> endpoints)
    {
        var repository = Object(payload, "repository", "repository");
        var cloneUrl = Required(repository, "clone_url", "repository.clone_url");
        if (cloneUrl.Length > MaxUrlLength || !Uri.TryCreate(cloneUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || ForgeRepository.TryParse(cloneUrl) is not { } parsed)
        {
            throw new ValidationException("repository.clone_url", $"is not an http(s) repository address of at most {MaxUrlLength} characters");
        }
        var fullName = Required(repository, "full_name", "repository.full_name");
        if (!string.Equals(fullName, parsed.ToString(), StringComparison.OrdinalIgnoreCase) || fullName.Count(c => c == '/') != 1)
        {
            throw new ValidationException("repository.full_name", "must be the owner/name its clone_url names; send the delivery as Gitea writes it");
        }
        return endpoints.Any(e => e.Kind == ForgeKind.Gitea && string.Equals(e.Host, parsed.Host, StringComparison.OrdinalIgnoreCase))
            ? (cloneUrl, fullName)
            : null;
    }

    private static string NoForge(JsonElement payload)
    {
        var host = ForgeRepository.TryParse(Text(Object(payload, "repository", "repository"), "clone_url"))?.Host ?? "";
        return $"no Gitea forge is configured for the host '{Clip(OneLine(host), 100)}'; add a Forges:<name> entry with Kind gitea and Host {Clip(OneLine(host), 100)} (see docs/configuration.md)";
    }

    /// <summary>Gitea marks no account as a bot: its own system users have negative ids (the ghost, the Actions user).</summary>
    private static (string Login, bool Bot) User(JsonElement user, string field)
    {
        var login = Text(user, "login") ?? Text(user, "username");
        if (string.IsNullOrWhiteSpace(login) || login.Length > 255 || login.Any(char.IsControl))
        {
            throw new ValidationException(field + ".login", "is missing, longer than 255 characters or holds control characters");
        }
        var bot = (user.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var value) && value < 0)
            || login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase)
            || string.Equals(login, "gitea-actions", StringComparison.OrdinalIgnoreCase);
        return (login, bot);
    }

    private static (string Login, bool Bot) Sender(JsonElement payload) => User(Object(payload, "sender", "sender"), "sender");

    private static bool FromFork(JsonElement pull, string repository)
    {
        if (pull.TryGetProperty("head", out var head) && head.ValueKind == JsonValueKind.Object)
        {
            if (head.TryGetProperty("repo", out var repo) && repo.ValueKind == JsonValueKind.Object && Text(repo, "full_name") is { } name)
            {
                return !string.Equals(name, repository, StringComparison.OrdinalIgnoreCase);
            }
            if (pull.TryGetProperty("base", out var @base) && @base.ValueKind == JsonValueKind.Object
                && Long(head, "repo_id") is { } headId && Long(@base, "repo_id") is { } baseId)
            {
                return headId != baseId;
            }
        }
        return false;
    }

    private static string? HeadBranch(JsonElement pull, bool required)
    {
        var branch = pull.TryGetProperty("head", out var head) && head.ValueKind == JsonValueKind.Object ? Text(head, "ref") : null;
        if (string.IsNullOrWhiteSpace(branch) || branch.Length > 255 || branch.Any(char.IsControl))
        {
            return required
                ? throw new ValidationException("pull_request.head.ref", "is missing, longer than 255 characters or holds control characters")
                : null;
        }
        return branch;
    }

    private static IEnumerable<string> Labels(JsonElement issue) =>
        issue.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
            ? labels.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object).Select(l => Text(l, "name")).OfType<string>()
            : [];

    private static (TriggerEvent?, string?) Triggered(TriggerEvent trigger) => (trigger, null);

    private static (TriggerEvent?, string?) Ignore(string reason) => (null, reason);

    private static bool Has(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object;

    private static JsonElement Object(JsonElement parent, string name, string field) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : throw new ValidationException(field, "is missing or not an object; send the delivery as Gitea writes it");

    private static string Required(JsonElement parent, string name, string field) =>
        Text(parent, name) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new ValidationException(field, "is missing or not text; send the delivery as Gitea writes it");

    private static long PositiveNumber(JsonElement parent, string name, string field) =>
        Long(parent, name) is { } value && value > 0
            ? value
            : throw new ValidationException(field, "is missing or not a positive whole number");

    private static long? Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static string WebUrl(JsonElement parent, string name, string field)
    {
        var url = Required(parent, name, field);
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var link) || link.Scheme is not ("https" or "http"))
        {
            throw new ValidationException(field, $"is not an http(s) address of at most {MaxUrlLength} characters");
        }
        return link.AbsoluteUri;
    }

    private static string Title(JsonElement parent, string field)
    {
        var title = OneLine(Required(parent, field[(field.LastIndexOf('.') + 1)..], field));
        return title.Length == 0 ? throw new ValidationException(field, "holds nothing but control characters") : Clip(title, MaxTitleLength);
    }

    private static string Body(string? text) =>
        Clip((text ?? "").Replace('\0', '\uFFFD'), MaxTextLength, "\n\n[cut here by Nightshift; read the rest on the forge]");

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        Text(parent, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
