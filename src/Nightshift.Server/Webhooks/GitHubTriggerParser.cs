using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;

using static Nightshift.Server.Webhooks.WebhookJson;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Reads a verified GitHub delivery into a <see cref="TriggerEvent"/>, or says why it asks for nothing. It reads only;
/// who may trigger and what runs are the trigger processor's to decide. People's text is copied (clipped, NUL-free) as
/// data and never read for commands here.
/// </summary>
/// <remarks>
/// Review comments: GitHub sends <c>pull_request_review</c> (submitted) for every review, a single comment on a line
/// included, besides one <c>pull_request_review_comment</c> per comment; the review's delivery is the one acted on (it
/// lists the review's comments), so the per-comment deliveries are kept and ignored and one review makes one follow-up.
/// </remarks>
internal static class GitHubTriggerParser
{
    public const string Forge = "github";

    private const int MaxUrlLength = 500;
    private const int MaxNameLength = 200;

    /// <returns>the trigger, or null with <paramref name="ignoredBecause"/> saying why the delivery asks for nothing.</returns>
    /// <exception cref="ValidationException">a delivery that would trigger lacks a field, or holds an unusable one.</exception>
    public static TriggerEvent? Parse(JsonElement payload, string eventName, GitHubWebhookOptions options, IForgeResolver forges, out string? ignoredBecause)
    {
        ignoredBecause = null;
        var action = Text(payload, "action");
        switch (eventName)
        {
            case "ping":
                ignoredBecause = "ping: the webhook reaches Nightshift; nothing to do";
                return null;
            case "issues" when action != "labeled":
                ignoredBecause = $"the issue action '{Clip(action ?? "", 40)}' starts nothing; only adding the label '{options.Label}' does";
                return null;
            case "issues":
                var label = payload.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.Object ? Text(l, "name") : null;
                // GitHub treats label names case-insensitively.
                if (!string.Equals(label, options.Label, StringComparison.OrdinalIgnoreCase))
                {
                    ignoredBecause = $"the label added is not '{options.Label}'";
                    return null;
                }
                return Issue(payload, TriggerKind.IssueLabelled, options, forges, ref ignoredBecause) is { } labelled
                    ? labelled with { Label = Clip(label!, MaxNameLength) }
                    : null;
            case "issue_comment" when action != "created":
                ignoredBecause = $"a comment's '{Clip(action ?? "", 40)}' starts nothing; only new comments are read";
                return null;
            case "issue_comment":
                return Comment(payload, options, forges, ref ignoredBecause);
            case "pull_request_review" when action != "submitted":
                ignoredBecause = $"a review's '{Clip(action ?? "", 40)}' starts nothing; only submitted reviews are read";
                return null;
            case "pull_request_review":
                return Review(payload, options, forges, ref ignoredBecause);
            case "pull_request_review_comment":
                ignoredBecause = "a review comment is acted on with its review (the pull_request_review delivery GitHub sends for it), once";
                return null;
            case "check_run" or "check_suite" when action != "completed":
                ignoredBecause = $"a check's '{Clip(action ?? "", 40)}' starts nothing; only completed checks are read";
                return null;
            case "check_run" or "check_suite":
                return Check(payload, eventName, options, forges, ref ignoredBecause);
            default:
                ignoredBecause = $"the '{Clip(eventName, 40)}' event starts nothing (see docs/triggers.md for the events read)";
                return null;
        }
    }

    private static TriggerEvent? Issue(JsonElement payload, TriggerKind kind, GitHubWebhookOptions options, IForgeResolver forges, ref string? ignoredBecause)
    {
        if (Repository(payload, forges, ref ignoredBecause) is not { } repository)
        {
            return null;
        }
        var issue = Object(payload, "issue");
        var isPullRequest = issue.TryGetProperty("pull_request", out var pr) && pr.ValueKind == JsonValueKind.Object;
        var (actor, bot) = Person(payload, "sender");
        return new TriggerEvent
        {
            Forge = Forge,
            Kind = kind,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(isPullRequest ? ForgeThreadKind.PullRequest : ForgeThreadKind.Issue, Number(issue, "issue.number", "number")),
            ThreadUrl = Url(issue, "issue.html_url", "html_url"),
            ThreadTitle = Clip(OneLine(Required(issue, "issue.title", "title")), MaxNameLength * 2),
            ThreadBody = Clip(Text(issue, "body") ?? "", options.MaxInstructionChars),
            Actor = actor,
            ActorIsBot = bot,
        };
    }

    private static TriggerEvent? Comment(JsonElement payload, GitHubWebhookOptions options, IForgeResolver forges, ref string? ignoredBecause)
    {
        if (Issue(payload, TriggerKind.Comment, options, forges, ref ignoredBecause) is not { } thread)
        {
            return null;
        }
        var comment = Object(payload, "comment");
        var (author, bot) = Person(comment, "user", "comment.user");
        return thread with
        {
            Actor = author,
            ActorIsBot = bot || thread.ActorIsBot,
            CommentId = Id(comment, "comment.id"),
            CommentBody = Clip(Text(comment, "body") ?? "", options.MaxInstructionChars),
            At = Time(comment, "created_at"),
        };
    }

    private static TriggerEvent? Review(JsonElement payload, GitHubWebhookOptions options, IForgeResolver forges, ref string? ignoredBecause)
    {
        var review = Object(payload, "review");
        var state = (Text(review, "state") ?? "").ToLowerInvariant();
        var body = Text(review, "body") ?? "";
        if (state == "approved" && string.IsNullOrWhiteSpace(body))
        {
            ignoredBecause = "a plain approval without text asks for no change";
            return null;
        }
        if (state is "dismissed" or "pending")
        {
            ignoredBecause = $"a {state} review asks for no change";
            return null;
        }
        if (PullRequest(payload, options, forges, ref ignoredBecause) is not { } thread)
        {
            return null;
        }
        var (author, bot) = Person(review, "user", "review.user");
        return thread with
        {
            Kind = TriggerKind.Review,
            Actor = author,
            ActorIsBot = bot || thread.ActorIsBot,
            ReviewId = Id(review, "review.id"),
            ReviewState = Clip(state, 40),
            ReviewBody = Clip(body, options.MaxInstructionChars),
            At = Time(review, "submitted_at"),
        };
    }

    private static TriggerEvent? PullRequest(JsonElement payload, GitHubWebhookOptions options, IForgeResolver forges, ref string? ignoredBecause)
    {
        if (Repository(payload, forges, ref ignoredBecause) is not { } repository)
        {
            return null;
        }
        var pull = Object(payload, "pull_request");
        var head = Object(pull, "head", "pull_request.head");
        var headRepo = head.TryGetProperty("repo", out var hr) && hr.ValueKind == JsonValueKind.Object ? Text(hr, "full_name") : null;
        var (actor, bot) = Person(payload, "sender");
        return new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.Review,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, Number(pull, "pull_request.number", "number")),
            ThreadUrl = Url(pull, "pull_request.html_url", "html_url"),
            ThreadTitle = Clip(OneLine(Required(pull, "pull_request.title", "title")), MaxNameLength * 2),
            ThreadBody = Clip(Text(pull, "body") ?? "", options.MaxInstructionChars),
            Actor = actor,
            ActorIsBot = bot,
            // A deleted fork leaves head.repo null: still not this repository.
            FromFork = !string.Equals(headRepo, repository.FullName, StringComparison.OrdinalIgnoreCase),
            HeadBranch = Branch(head),
        };
    }

    private static TriggerEvent? Check(JsonElement payload, string eventName, GitHubWebhookOptions options, IForgeResolver forges, ref string? ignoredBecause)
    {
        var check = Object(payload, eventName);
        var conclusion = Text(check, "conclusion");
        if (conclusion is not ("failure" or "timed_out"))
        {
            ignoredBecause = $"a check that ended '{Clip(conclusion ?? "without a conclusion", 40)}' needs no fix; only failure and timed_out do";
            return null;
        }
        // GitHub lists only pull requests of this repository here (a fork's are left out), so an empty list is never ours.
        if (!check.TryGetProperty("pull_requests", out var pulls) || pulls.ValueKind != JsonValueKind.Array || pulls.GetArrayLength() == 0)
        {
            ignoredBecause = "the failed check belongs to no pull request of this repository";
            return null;
        }
        if (Repository(payload, forges, ref ignoredBecause) is not { } repository)
        {
            return null;
        }
        var pull = pulls[0];
        if (pull.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException($"{eventName}.pull_requests", "must hold objects; send the delivery as GitHub writes it");
        }
        var number = Number(pull, $"{eventName}.pull_requests.number", "number");
        var head = Object(pull, "head", $"{eventName}.pull_requests.head");
        var repositoryPage = Url(Object(payload, "repository"), "repository.html_url", "html_url");
        var (actor, bot) = Person(payload, "sender");
        var isRun = eventName == "check_run";
        string name;
        string summary;
        if (isRun)
        {
            name = Clip(OneLine(Required(check, "check_run.name", "name")), MaxNameLength);
            var output = check.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
            summary = output.ValueKind == JsonValueKind.Object
                ? string.Join("\n\n", new[] { Text(output, "title"), Text(output, "summary") }.Where(t => !string.IsNullOrWhiteSpace(t)))
                : "";
        }
        else
        {
            var app = check.TryGetProperty("app", out var a) && a.ValueKind == JsonValueKind.Object ? Text(a, "name") : null;
            name = Clip(OneLine(app ?? "check suite"), MaxNameLength);
            summary = $"the check suite of {name} ended {conclusion}";
        }
        return new TriggerEvent
        {
            Forge = Forge,
            Kind = TriggerKind.CheckFailed,
            RepositoryUrl = repository.CloneUrl,
            Repository = repository.FullName,
            Thread = new ForgeThread(ForgeThreadKind.PullRequest, number),
            ThreadUrl = $"{repositoryPage}/pull/{number.ToString(CultureInfo.InvariantCulture)}",
            ThreadTitle = $"pull request #{number.ToString(CultureInfo.InvariantCulture)}",
            Actor = actor,
            ActorIsBot = bot,
            // A suite has no log of its own: the fix reads the summary.
            CheckId = isRun ? Id(check, "check_run.id") : null,
            CheckName = name,
            CheckSummary = Clip($"{conclusion}: {summary}".Trim(), options.MaxInstructionChars),
            HeadBranch = Branch(head),
            At = Time(check, "completed_at") ?? Time(check, "updated_at"),
        };
    }

    private static (string CloneUrl, string FullName)? Repository(JsonElement payload, IForgeResolver forges, ref string? ignoredBecause)
    {
        var repository = Object(payload, "repository");
        var cloneUrl = Required(repository, "repository.clone_url", "clone_url");
        var parsed = ForgeRepository.TryParse(cloneUrl)
            ?? throw new ValidationException("repository.clone_url", "is not a repository address with a host, an owner and a name");
        if (cloneUrl.Length > MaxUrlLength)
        {
            throw new ValidationException("repository.clone_url", $"is over {MaxUrlLength} characters");
        }
        var endpoint = forges.Endpoints.FirstOrDefault(e => e.Kind == ForgeKind.GitHub && string.Equals(e.Host, parsed.Host, StringComparison.OrdinalIgnoreCase));
        if (endpoint is null)
        {
            ignoredBecause = $"no GitHub forge is configured for the host '{Clip(parsed.Host, 100)}'; add a Forges:<name> entry with Host {Clip(parsed.Host, 100)} (see docs/configuration.md)";
            return null;
        }
        return (cloneUrl, parsed.ToString());
    }

    private static (string Login, bool IsBot) Person(JsonElement parent, string name, string? field = null)
    {
        var person = Object(parent, name, field);
        var login = Required(person, $"{field ?? name}.login", "login");
        if (login.Length > MaxNameLength || login.Any(char.IsControl))
        {
            throw new ValidationException($"{field ?? name}.login", $"must be at most {MaxNameLength} printable characters");
        }
        return (login, string.Equals(Text(person, "type"), "Bot", StringComparison.Ordinal) || login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase));
    }

    private static string? Branch(JsonElement head)
    {
        var branch = Text(head, "ref");
        return branch is not null && Core.Tasks.NewTask.IsSafeBranchName(branch) ? branch : null;
    }

    private static long Number(JsonElement parent, string field, string name) =>
        parent.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var value) && value > 0
            ? value
            : throw new ValidationException(field, "is missing or not a positive whole number");

    private static string Id(JsonElement parent, string field)
    {
        var name = field[(field.LastIndexOf('.') + 1)..];
        if (parent.TryGetProperty(name, out var id))
        {
            if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number) && number > 0)
            {
                return number.ToString(CultureInfo.InvariantCulture);
            }
            if (id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and <= 100 } text && text.All(char.IsAsciiLetterOrDigit))
            {
                return text;
            }
        }
        throw new ValidationException(field, "is missing or not an id (a positive whole number)");
    }

    private static string Url(JsonElement parent, string field, string name)
    {
        var url = Required(parent, field, name);
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var link) || link.Scheme is not ("https" or "http"))
        {
            throw new ValidationException(field, $"is not an http(s) address of at most {MaxUrlLength} characters");
        }
        return url;
    }

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

    private static JsonElement Object(JsonElement parent, string name, string? field = null) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : throw new ValidationException(field ?? name, "is missing or not an object; send the delivery as GitHub writes it");

    private static string Required(JsonElement parent, string field, string name) =>
        Text(parent, name) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new ValidationException(field, "is missing or not text; send the delivery as GitHub writes it");
}
