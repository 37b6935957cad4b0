using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.Gitea;

/// <summary>
/// Pull requests on Gitea or Forgejo (the same REST API v1): opened (or the branch's open one updated), as work in
/// progress ("WIP: " title) when the task was not verified, with the endpoint's labels (resolved to ids) and reviewers.
/// </summary>
public sealed partial class GiteaForge : IForge, IForgeConversation
{
    /// <summary>Gitea's default WORK_IN_PROGRESS_PREFIXES start with "WIP:"; a pull request so titled cannot be merged.</summary>
    public const string DraftPrefix = "WIP: ";

    /// <summary>The user name pushed with when the token's owner is not known.</summary>
    public const string DefaultPushUsername = "nightshift";

    private const int PageSize = 50;

    private const int MaxPages = 20;

    private static readonly ForgeDialect Dialect = new(
        "Gitea",
        static (headers, token) => headers.Authorization = new AuthenticationHeaderValue("token", token),
        "Create an access token (Settings → Applications) with the scopes write:repository and write:issue (and read:user for `nightshift doctor`) and configure it for this forge.",
        "Gitea needs a token with the scopes write:repository (pull requests, reviewers) and write:issue (labels, comments), whose user can write to the repository.");

    private readonly ForgeEndpoint _endpoint;
    private readonly ForgeRestClient _rest;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<GiteaForge> _logger;

    public GiteaForge(ForgeEndpoint endpoint, HttpClient http, TimeProvider time, ILogger<GiteaForge> logger)
    {
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
        _http = http;
        _rest = new ForgeRestClient(endpoint, http, time, logger, Dialect);
    }

    public string Name => "gitea";

    /// <summary>
    /// The user name to push with over https, the token being the password. Gitea and Forgejo take the token's owner
    /// from the token and ignore the name; releases before 1.14 compared it with the owner, so give the owner when
    /// known (<see cref="ForgeCheck.User"/>).
    /// </summary>
    public static string PushUsername(string? tokenOwner = null) =>
        string.IsNullOrWhiteSpace(tokenOwner) || tokenOwner.Any(c => char.IsControl(c) || c is ':' or '@' or '/')
            ? DefaultPushUsername
            : tokenOwner.Trim();

    public async Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var repo = Repository(draft.Repo);
        RequireBranch(draft.Branch, "branch");
        RequireBranch(draft.BaseBranch, "base branch");
        var title = ForgeText.Title(draft.Title, $"Nightshift task {draft.TaskId}", draft.Draft ? DraftPrefix : null);
        var body = ForgeText.Body(draft.Body);
        var labels = await LabelIdsAsync(repo, cancellationToken).ConfigureAwait(false);

        var existing = await FindOpenAsync(repo, draft.Branch, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var create = new JsonObject
            {
                ["head"] = draft.Branch,
                ["base"] = draft.BaseBranch,
                ["title"] = title,
                ["body"] = body,
            };
            if (labels.Count > 0)
            {
                create["labels"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]);
            }
            var created = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Post, $"{Base(repo)}/pulls", create,
                    $"open a pull request from {draft.Branch} into {draft.BaseBranch} in {repo.Path}",
                    $"Gitea has no repository '{repo.Path}' that this token can see, or no branch '{draft.BaseBranch}' or '{draft.Branch}' in it: check the repository address and the base branch, and that the task's branch was pushed",
                    Expected: [409, 422]),
                cancellationToken).ConfigureAwait(false);
            if (created.Success)
            {
                var opened = ToPullRequest(draft, created, repo, title, body);
                if (created.Number("number") is { } number)
                {
                    await RequestReviewersAsync(repo, number, cancellationToken).ConfigureAwait(false);
                }
                LogOpened(_logger, repo.Path, opened.Reference, draft.Draft);
                return opened;
            }
            // 409 (Gitea 1.17 and later) or 422 (earlier): one already exists, opened since our look-up.
            existing = await FindOpenAsync(repo, draft.Branch, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                throw new ForgeException(
                    $"Gitea at {_endpoint.Host} refused to open a pull request from {draft.Branch} into {draft.BaseBranch} in {repo.Path} (HTTP {created.Status}: {(created.Detail.Length == 0 ? "no reason given" : created.Detail)}): check that both branches exist (the task's branch must have been pushed) and differ",
                    created.Status);
            }
        }

        var index = existing.Value.ToString(CultureInfo.InvariantCulture);
        var updated = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Patch, $"{Base(repo)}/pulls/{index}", new JsonObject { ["title"] = title, ["body"] = body },
                $"update pull request #{index} in {repo.Path}",
                $"pull request #{index} of '{repo.Path}' is gone or the token cannot see it: check the repository's pull requests"),
            cancellationToken).ConfigureAwait(false);
        if (labels.Count > 0)
        {
            // Adds without removing labels people put on the pull request since.
            await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Post, $"{Base(repo)}/issues/{index}/labels",
                    new JsonObject { ["labels"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]) },
                    $"label pull request #{index} in {repo.Path}", $"pull request #{index} of '{repo.Path}' is gone"),
                cancellationToken).ConfigureAwait(false);
        }
        var result = ToPullRequest(draft, updated, repo, title, body);
        LogUpdated(_logger, repo.Path, result.Reference, draft.Draft);
        return result;
    }

    /// <summary>Adds a comment to issue (or pull request) number <paramref name="issue"/> of <paramref name="repo"/>.</summary>
    public async Task CommentOnIssueAsync(string repo, long issue, string text, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(issue);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("a comment needs some text", nameof(text));
        }
        var path = Repository(repo);
        var number = issue.ToString(CultureInfo.InvariantCulture);
        await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{Base(path)}/issues/{number}/comments",
                new JsonObject { ["body"] = ForgeText.Body(text) },
                $"comment on issue #{number} of {path.Path}",
                $"Gitea has no issue #{number} in '{path.Path}' that this token can see: check the issue number and the repository address",
                Replayable: false),
            cancellationToken).ConfigureAwait(false);
        LogCommented(_logger, path.Path, issue);
    }

    /// <summary>
    /// One cheap authenticated call (GET /user) for <c>nightshift doctor</c>: whose the token is. Gitea does not show a
    /// token's scopes; a refusal names the scopes needed. Never throws for a refusal; the result says what is wrong.
    /// </summary>
    public async Task<ForgeCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var user = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, "user", null, "say whose the token is",
                    $"{_endpoint.ApiUrl} has no /user: check that the API address ends in /api/v1"),
                cancellationToken).ConfigureAwait(false);
            var login = user.String("login");
            return new ForgeCheck(_endpoint.Name, true,
                $"Gitea at {_endpoint.Host} accepts the token as {login ?? "an unnamed user"}; it needs write:repository and write:issue, which Gitea shows only when a call is refused",
                login);
        }
        catch (ForgeException exception)
        {
            return new ForgeCheck(_endpoint.Name, false, exception.Message);
        }
    }

    private RepositoryPath Repository(string repo)
    {
        var path = RepositoryPath.Parse(repo, _endpoint, Dialect.Product);
        if (path.Segments.Count != 2)
        {
            throw new ForgeException($"'{RepositoryPath.Shown(repo)}' names {path.Segments.Count} levels ({path.Path}); a Gitea repository is owner/name");
        }
        return path;
    }

    private static string Base(RepositoryPath repo) =>
        $"repos/{Uri.EscapeDataString(repo.Segments[0])}/{Uri.EscapeDataString(repo.Segments[1])}";

    private async Task<long?> FindOpenAsync(RepositoryPath repo, string branch, CancellationToken cancellationToken)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{Base(repo)}/pulls?state=open&limit={PageSize}&page={page}", null,
                    $"look for an open pull request from {branch} in {repo.Path}",
                    $"Gitea has no repository '{repo.Path}' that this token can see: check the repository address, and that the token's user can see the repository"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            foreach (var item in items)
            {
                if (ForgeJson.Object(item, "head") is { } head
                    && ForgeJson.String(head, "ref") == branch
                    && SameRepository(head, repo)
                    && ForgeJson.Number(item, "number") is { } number)
                {
                    return number;
                }
            }
            if (items.Count < PageSize)
            {
                break;
            }
        }
        return null;
    }

    /// <summary>A fork's pull request may carry the same branch name: only this repository's own branch counts.</summary>
    private static bool SameRepository(JsonElement head, RepositoryPath repo) =>
        ForgeJson.Object(head, "repo") is not { } headRepo
        || ForgeJson.String(headRepo, "full_name") is not { } fullName
        || string.Equals(fullName, repo.Path, StringComparison.OrdinalIgnoreCase);

    private async Task<List<long>> LabelIdsAsync(RepositoryPath repo, CancellationToken cancellationToken)
    {
        var wanted = _endpoint.Labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        var known = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        for (var page = 1; page <= MaxPages; page++)
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"{Base(repo)}/labels?limit={PageSize}&page={page}", null,
                    $"list the labels of {repo.Path}",
                    $"Gitea has no repository '{repo.Path}' that this token can see: check the repository address"),
                cancellationToken).ConfigureAwait(false);
            var items = reply.Items.ToList();
            foreach (var item in items)
            {
                if (ForgeJson.String(item, "name") is { } name && ForgeJson.Number(item, "id") is { } id)
                {
                    known.TryAdd(name, id);
                }
            }
            if (items.Count < PageSize || wanted.All(known.ContainsKey))
            {
                break;
            }
        }
        var ids = new List<long>();
        foreach (var label in wanted)
        {
            if (known.TryGetValue(label, out var id))
            {
                ids.Add(id);
            }
            else
            {
                LogLabelUnknown(_logger, _endpoint.Name, label, repo.Path);
            }
        }
        return ids;
    }

    private async Task RequestReviewersAsync(RepositoryPath repo, long number, CancellationToken cancellationToken)
    {
        var reviewers = _endpoint.Reviewers.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim().TrimStart('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (reviewers.Count == 0)
        {
            return;
        }
        var index = number.ToString(CultureInfo.InvariantCulture);
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"{Base(repo)}/pulls/{index}/requested_reviewers",
                new JsonObject { ["reviewers"] = new JsonArray([.. reviewers.Select(r => JsonValue.Create(r))]) },
                $"ask {string.Join(", ", reviewers)} to review pull request #{index} in {repo.Path}",
                $"pull request #{index} of '{repo.Path}' is gone",
                Expected: [403, 404, 422]),
            cancellationToken).ConfigureAwait(false);
        if (!reply.Success)
        {
            // The pull request exists; a reviewer who is not a collaborator must not fail the task's delivery.
            LogReviewersRefused(_logger, _endpoint.Name, string.Join(", ", reviewers), repo.Path, reply.Detail);
        }
    }

    private PullRequest ToPullRequest(PullRequestDraft draft, ForgeReply reply, RepositoryPath repo, string title, string body)
    {
        if (reply.Json is not { ValueKind: JsonValueKind.Object } pull || ForgeJson.WebUrl(pull, "html_url") is not { } url)
        {
            throw new ForgeException(
                $"Gitea at {_endpoint.Host} answered for the pull request of {draft.Branch} in {repo.Path} without its html_url: check that {_endpoint.Name}'s API address is the Gitea API v1",
                reply.Status);
        }
        var now = _time.GetUtcNow();
        return new PullRequest(
            draft.TaskId, Name, url, draft.Repo, draft.Branch, draft.BaseBranch,
            ForgeJson.String(pull, "title") ?? title, body, draft.Diff, draft.Draft,
            ForgeJson.Time(pull, "created_at") ?? now, now);
    }

    private static void RequireBranch(string branch, string what)
    {
        if (string.IsNullOrWhiteSpace(branch) || branch.Length > 255 || branch.Any(char.IsControl))
        {
            throw new ForgeException($"the {what} '{(branch.Length > 60 ? branch[..60] + "…" : branch)}' is not a branch name Gitea accepts: it must be 1–255 characters without control characters");
        }
    }

    [LoggerMessage(EventId = 7221, Level = LogLevel.Information, Message = "Gitea: opened pull request {Reference} in {Repository} (draft: {Draft})")]
    private static partial void LogOpened(ILogger logger, string repository, string reference, bool draft);

    [LoggerMessage(EventId = 7222, Level = LogLevel.Information, Message = "Gitea: updated pull request {Reference} in {Repository} (draft: {Draft})")]
    private static partial void LogUpdated(ILogger logger, string repository, string reference, bool draft);

    [LoggerMessage(EventId = 7223, Level = LogLevel.Warning, Message = "{Forge}: repository {Repository} has no label '{Label}', so it is left out; create the label or fix the forge's Labels")]
    private static partial void LogLabelUnknown(ILogger logger, string forge, string label, string repository);

    [LoggerMessage(EventId = 7224, Level = LogLevel.Warning, Message = "{Forge}: Gitea would not ask {Reviewers} to review in {Repository} ({Detail}); reviewers must be collaborators of the repository")]
    private static partial void LogReviewersRefused(ILogger logger, string forge, string reviewers, string repository, string detail);

    [LoggerMessage(EventId = 7225, Level = LogLevel.Information, Message = "Gitea: commented on issue or pull request #{Issue} of {Repository}")]
    private static partial void LogCommented(ILogger logger, string repository, long issue);
}
