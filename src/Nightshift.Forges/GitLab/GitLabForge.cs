using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Forges;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.GitLab;

/// <summary>
/// Merge requests on gitlab.com or a self-managed GitLab, through the REST API v4: opened (or the branch's open one
/// updated), as a draft ("Draft: " title) when the task was not verified, with the endpoint's labels and reviewers.
/// </summary>
public sealed partial class GitLabForge : IForge
{
    /// <summary>GitLab marks a merge request as a draft by this title prefix.</summary>
    public const string DraftPrefix = "Draft: ";

    private static readonly ForgeDialect Dialect = new(
        "GitLab",
        Authorize,
        "Create a personal, project or group access token with the 'api' scope (User settings → Access tokens, or the project's Settings → Access tokens) and configure it for this forge.",
        "GitLab needs a token with the 'api' scope whose user has at least the Developer role in the project (to open merge requests and comment on issues); 'read_api' or 'write_repository' alone are not enough.");

    private readonly ForgeEndpoint _endpoint;
    private readonly ForgeRestClient _rest;
    private readonly TimeProvider _time;
    private readonly ILogger<GitLabForge> _logger;

    public GitLabForge(ForgeEndpoint endpoint, HttpClient http, TimeProvider time, ILogger<GitLabForge> logger)
    {
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
        _rest = new ForgeRestClient(endpoint, http, time, logger, Dialect);
    }

    public string Name => "gitlab";

    /// <summary>
    /// The user name to push with over https, the token being the password: GitLab takes "oauth2" with an OAuth token
    /// and any non-empty name with a personal, project or group access token, so "oauth2" serves both.
    /// </summary>
    public static string PushUsername() => "oauth2";

    /// <summary>
    /// How the token is sent: GitLab's own access tokens (glpat-…, and the other gl… prefixes) in PRIVATE-TOKEN;
    /// anything else as an OAuth bearer token, which GitLab also accepts for access tokens without a prefix.
    /// </summary>
    internal static void Authorize(System.Net.Http.Headers.HttpRequestHeaders headers, string token)
    {
        if (token.StartsWith("gl", StringComparison.Ordinal) && token.IndexOf('-', StringComparison.Ordinal) is > 2 and < 10)
        {
            headers.TryAddWithoutValidation("PRIVATE-TOKEN", token);
        }
        else
        {
            headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public async Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var project = RepositoryPath.Parse(draft.Repo, _endpoint, Dialect.Product);
        RequireBranch(draft.Branch, "branch");
        RequireBranch(draft.BaseBranch, "base branch");
        var id = ProjectId(project);
        var title = ForgeText.Title(draft.Title, $"Nightshift task {draft.TaskId}", draft.Draft ? DraftPrefix : null);
        var description = ForgeText.Body(draft.Body);

        var existing = await FindOpenAsync(project, draft.Branch, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var body = new JsonObject
            {
                ["source_branch"] = draft.Branch,
                ["target_branch"] = draft.BaseBranch,
                ["title"] = title,
                ["description"] = description,
            };
            if (Labels() is { Length: > 0 } labels)
            {
                body["labels"] = labels;
            }
            var reviewers = await ReviewerIdsAsync(cancellationToken).ConfigureAwait(false);
            if (reviewers.Count > 0)
            {
                body["reviewer_ids"] = new JsonArray([.. reviewers.Select(r => JsonValue.Create(r))]);
            }
            var created = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Post, $"projects/{id}/merge_requests", body,
                    $"open a merge request from {draft.Branch} into {draft.BaseBranch} in {project.Path}",
                    $"GitLab has no project '{project.Path}' that this token can see, or no branch '{draft.BaseBranch}' in it: check the repository address and the base branch, and that the token's user is a member of the project",
                    Expected: [409, 422]),
                cancellationToken).ConfigureAwait(false);
            if (created.Success)
            {
                var opened = ToPullRequest(draft, created, project, title, description);
                LogOpened(_logger, project.Path, opened.Reference, draft.Draft);
                return opened;
            }
            // Another attempt of this task opened one between our look-up and our call; anything else is a refusal.
            existing = await FindOpenAsync(project, draft.Branch, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                throw new ForgeException(
                    $"GitLab at {_endpoint.Host} refused to open a merge request from {draft.Branch} into {draft.BaseBranch} in {project.Path} (HTTP {created.Status}: {Said(created)}): check that both branches exist (the task's branch must have been pushed) and differ",
                    created.Status);
            }
        }

        var iid = existing.Value;
        var update = new JsonObject
        {
            ["title"] = title,
            ["description"] = description,
        };
        if (Labels() is { Length: > 0 } added)
        {
            update["add_labels"] = added;
        }
        var updated = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Put, $"projects/{id}/merge_requests/{iid.ToString(CultureInfo.InvariantCulture)}", update,
                $"update merge request !{iid} in {project.Path}",
                $"merge request !{iid} of '{project.Path}' is gone or the token cannot see it: check the project's merge requests"),
            cancellationToken).ConfigureAwait(false);
        var result = ToPullRequest(draft, updated, project, title, description);
        LogUpdated(_logger, project.Path, result.Reference, draft.Draft);
        return result;
    }

    /// <summary>Adds a note (comment) to issue <paramref name="issue"/> (its iid, the number people see) of <paramref name="repo"/>.</summary>
    public async Task CommentOnIssueAsync(string repo, long issue, string text, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(issue);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("a comment needs some text", nameof(text));
        }
        var project = RepositoryPath.Parse(repo, _endpoint, Dialect.Product);
        var number = issue.ToString(CultureInfo.InvariantCulture);
        await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Post, $"projects/{ProjectId(project)}/issues/{number}/notes",
                new JsonObject { ["body"] = ForgeText.Body(text) },
                $"comment on issue #{number} of {project.Path}",
                $"GitLab has no issue #{number} in '{project.Path}' that this token can see: check the issue number and the repository address",
                Replayable: false),
            cancellationToken).ConfigureAwait(false);
        LogCommented(_logger, project.Path, issue);
    }

    /// <summary>
    /// One cheap authenticated look at the token for <c>nightshift doctor</c>: its scopes (GET /personal_access_tokens/self)
    /// when GitLab shows them, and whose it is (GET /user). Never throws for a refusal; the result says what is wrong.
    /// </summary>
    public async Task<ForgeCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var self = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, "personal_access_tokens/self", null, "show the token's scopes",
                    "this GitLab does not show token scopes", Expected: [401, 403, 404]),
                cancellationToken).ConfigureAwait(false);
            var user = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, "user", null, "say whose the token is",
                    $"{_endpoint.ApiUrl} has no /user: check that the API address ends in /api/v4"),
                cancellationToken).ConfigureAwait(false);
            var name = user.String("username");
            if (!self.Success || self.Json is not { } token)
            {
                return new ForgeCheck(_endpoint.Name, true,
                    $"GitLab at {_endpoint.Host} accepts the token as {name ?? "an unnamed user"}; its scopes cannot be read (an OAuth token?): it needs 'api'", name);
            }
            var scopes = ForgeJson.Strings(token, "scopes");
            var expires = ForgeJson.String(token, "expires_at");
            var until = expires is null ? string.Empty : $", expires {expires}";
            if (!scopes.Contains("api", StringComparer.Ordinal))
            {
                return new ForgeCheck(_endpoint.Name, false,
                    $"GitLab at {_endpoint.Host}: the token of {name ?? "its user"} has the scopes [{string.Join(", ", scopes)}] but not 'api', which opening merge requests and commenting need: create a token with the 'api' scope{until}",
                    name, scopes);
            }
            return new ForgeCheck(_endpoint.Name, true, $"GitLab at {_endpoint.Host}: token of {name ?? "an unnamed user"} with the 'api' scope{until}", name, scopes);
        }
        catch (ForgeException exception)
        {
            return new ForgeCheck(_endpoint.Name, false, exception.Message);
        }
    }

    /// <summary>GitLab takes a project's full path, URL-encoded as one segment (group%2Fsub%2Fapp), wherever it takes an id.</summary>
    internal static string ProjectId(RepositoryPath project) => Uri.EscapeDataString(project.Path);

    private async Task<long?> FindOpenAsync(RepositoryPath project, string branch, CancellationToken cancellationToken)
    {
        var reply = await _rest.SendAsync(
            new ForgeRequest(HttpMethod.Get,
                $"projects/{ProjectId(project)}/merge_requests?state=opened&source_branch={Uri.EscapeDataString(branch)}&per_page=100",
                null, $"look for an open merge request from {branch} in {project.Path}",
                $"GitLab has no project '{project.Path}' that this token can see: check the repository address, and that the token's user is a member of the project"),
            cancellationToken).ConfigureAwait(false);
        foreach (var item in reply.Items)
        {
            // Only this repository's own branch: a fork's merge request may carry the same branch name.
            if (ForgeJson.String(item, "source_branch") == branch
                && ForgeJson.Number(item, "iid") is { } iid
                && (ForgeJson.Number(item, "source_project_id") is not { } source || ForgeJson.Number(item, "project_id") is not { } target || source == target))
            {
                return iid;
            }
        }
        return null;
    }

    private async Task<List<long>> ReviewerIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        foreach (var reviewer in _endpoint.Reviewers.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim().TrimStart('@')).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var reply = await _rest.SendAsync(
                new ForgeRequest(HttpMethod.Get, $"users?username={Uri.EscapeDataString(reviewer)}", null,
                    $"look up reviewer '{reviewer}'", "GitLab has no user search here: check the API address"),
                cancellationToken).ConfigureAwait(false);
            var match = reply.Items.FirstOrDefault(u => string.Equals(ForgeJson.String(u, "username"), reviewer, StringComparison.OrdinalIgnoreCase));
            if (match.ValueKind == JsonValueKind.Object && ForgeJson.Number(match, "id") is { } id)
            {
                ids.Add(id);
            }
            else
            {
                LogReviewerUnknown(_logger, _endpoint.Name, reviewer);
            }
        }
        return ids;
    }

    /// <summary>GitLab takes labels as one comma-separated string, so a label with a comma cannot be sent.</summary>
    private string? Labels()
    {
        var labels = new List<string>();
        foreach (var label in _endpoint.Labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.Ordinal))
        {
            if (label.Contains(',', StringComparison.Ordinal) || label.Any(char.IsControl))
            {
                LogLabelSkipped(_logger, _endpoint.Name, label);
                continue;
            }
            labels.Add(label);
        }
        return labels.Count == 0 ? null : string.Join(',', labels);
    }

    private PullRequest ToPullRequest(PullRequestDraft draft, ForgeReply reply, RepositoryPath project, string title, string description)
    {
        if (reply.Json is not { ValueKind: JsonValueKind.Object } mr || ForgeJson.WebUrl(mr, "web_url") is not { } url)
        {
            throw new ForgeException(
                $"GitLab at {_endpoint.Host} answered for the merge request of {draft.Branch} in {project.Path} without its web_url: check that {_endpoint.Name}'s API address is the GitLab API v4",
                reply.Status);
        }
        var now = _time.GetUtcNow();
        return new PullRequest(
            draft.TaskId, Name, url, draft.Repo, draft.Branch, draft.BaseBranch,
            ForgeJson.String(mr, "title") ?? title, description, draft.Diff, draft.Draft,
            ForgeJson.Time(mr, "created_at") ?? now, now);
    }

    private static void RequireBranch(string branch, string what)
    {
        if (string.IsNullOrWhiteSpace(branch) || branch.Length > 255 || branch.Any(char.IsControl))
        {
            throw new ForgeException($"the {what} '{(branch.Length > 60 ? branch[..60] + "…" : branch)}' is not a branch name GitLab accepts: it must be 1–255 characters without control characters");
        }
    }

    private static string Said(ForgeReply reply) => reply.Detail.Length == 0 ? "no reason given" : reply.Detail;

    [LoggerMessage(EventId = 7211, Level = LogLevel.Information, Message = "GitLab: opened merge request {Reference} in {Project} (draft: {Draft})")]
    private static partial void LogOpened(ILogger logger, string project, string reference, bool draft);

    [LoggerMessage(EventId = 7212, Level = LogLevel.Information, Message = "GitLab: updated merge request {Reference} in {Project} (draft: {Draft})")]
    private static partial void LogUpdated(ILogger logger, string project, string reference, bool draft);

    [LoggerMessage(EventId = 7213, Level = LogLevel.Warning, Message = "{Forge}: no GitLab user named '{Reviewer}', so it is not asked to review; fix the forge's Reviewers")]
    private static partial void LogReviewerUnknown(ILogger logger, string forge, string reviewer);

    [LoggerMessage(EventId = 7214, Level = LogLevel.Warning, Message = "{Forge}: label '{Label}' has a comma or control character GitLab cannot take, so it is left out; fix the forge's Labels")]
    private static partial void LogLabelSkipped(ILogger logger, string forge, string label);

    [LoggerMessage(EventId = 7215, Level = LogLevel.Information, Message = "GitLab: commented on issue #{Issue} of {Project}")]
    private static partial void LogCommented(ILogger logger, string project, long issue);
}
