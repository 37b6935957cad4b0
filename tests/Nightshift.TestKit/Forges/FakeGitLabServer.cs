using System.Globalization;
using System.Text.Json.Nodes;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// The few GitLab REST API v4 routes a forge client uses, from GitLab's public API reference: the token in PRIVATE-TOKEN
/// or "Authorization: Bearer"; projects addressed by id or URL-encoded full path (nested groups); merge requests
/// (list by source branch and state, create — 409 when the source branch already has an open one, 422 for an unknown
/// branch — and update); user search by name; GET /user and /personal_access_tokens/self; and the issue side
/// (<c>FakeGitLabServer.Conversation.cs</c>): members, issues, notes, discussions, award emoji and job logs.
/// </summary>
public sealed partial class FakeGitLabServer : FakeForgeServer
{
    private readonly Dictionary<string, Project> _projects = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeMergeRequest> _mergeRequests = [];

    private FakeGitLabServer(string token) : base(token)
    {
        _users["nightshift-bot"] = 1;
    }

    public override Uri ApiUri => new(BaseUri, "api/v4");

    /// <summary>The scopes /personal_access_tokens/self shows and the routes check ("api" can do everything; "read_api" only GETs).</summary>
    public List<string> Scopes { get; } = ["api"];

    /// <summary>False answers /personal_access_tokens/self with 404, as GitLab does for OAuth tokens.</summary>
    public bool ShowsTokenScopes { get; set; } = true;

    public string Username { get; set; } = "nightshift-bot";

    public IReadOnlyList<FakeMergeRequest> MergeRequests
    {
        get
        {
            lock (Gate)
            {
                return [.. _mergeRequests];
            }
        }
    }

    /// <summary>The notes on issues, in the order they were made.</summary>
    public IReadOnlyList<ForgeComment> Notes
    {
        get
        {
            lock (Gate)
            {
                return [.. _allNotes.Where(n => n.Noteable == "issues").Select(n => new ForgeComment(n.Project, n.Iid, n.Body))];
            }
        }
    }

    public static async Task<FakeGitLabServer> StartAsync(string token = "glpat-FakeGitLabToken1234", CancellationToken cancellationToken = default)
    {
        var server = new FakeGitLabServer(token);
        await server.StartServerAsync(cancellationToken);
        return server;
    }

    /// <summary>A project at <paramref name="path"/> ("group/sub/app") with these branches (default: main).</summary>
    public long AddProject(string path, params string[] branches)
    {
        lock (Gate)
        {
            var project = new Project(_projects.Count + 101, path, [.. branches.Length == 0 ? ["main"] : branches], []);
            _projects[path] = project;
            return project.Id;
        }
    }

    public void AddBranch(string project, string branch)
    {
        lock (Gate)
        {
            _projects[project].Branches.Add(branch);
        }
    }

    public FakeGitLabIssue AddIssue(string project, long iid)
    {
        lock (Gate)
        {
            _projects[project].Issues.Add(iid);
            var issue = new FakeGitLabIssue { Project = project, Iid = iid };
            _issues.Add(issue);
            return issue;
        }
    }

    public long AddUser(string username)
    {
        lock (Gate)
        {
            var id = _users.Count + 1;
            _users[username] = id;
            return id;
        }
    }

    /// <summary>An open merge request someone else opened from a fork with the same branch name.</summary>
    public void AddForkMergeRequest(string project, string sourceBranch, string targetBranch)
    {
        lock (Gate)
        {
            _mergeRequests.Add(new FakeMergeRequest
            {
                Number = NextIid(project), Repository = project, SourceBranch = sourceBranch, TargetBranch = targetBranch,
                Title = "From a fork", SourceRepository = "someone/fork", CreatedAt = DateTimeOffset.UnixEpoch,
            });
        }
    }

    protected override bool Authenticated(ForgeCall call) =>
        (call.Headers.TryGetValue("PRIVATE-TOKEN", out var privateToken) && privateToken == Token)
        || (call.Headers.TryGetValue("Authorization", out var authorization) && authorization == "Bearer " + Token);

    protected override FakeAnswer Unauthorized() => FakeAnswer.Message(401, "401 Unauthorized");

    protected override FakeAnswer Route(ForgeCall call, IReadOnlyList<string> route)
    {
        var write = call.Method != "GET";
        if (!Scopes.Contains("api") && (write || !Scopes.Contains("read_api")))
        {
            return FakeAnswer.Json(403, new JsonObject
            {
                ["error"] = "insufficient_scope",
                ["error_description"] = "The request requires higher privileges than provided by the access token.",
                ["scope"] = "api read_user",
            });
        }
        switch (call.Method, route.Count, route[0])
        {
            case ("GET", 1, "user"):
                return FakeAnswer.Json(200, new JsonObject { ["id"] = 1, ["username"] = Username, ["name"] = "Nightshift" });
            case ("GET", 2, "personal_access_tokens") when route[1] == "self":
                return ShowsTokenScopes
                    ? FakeAnswer.Json(200, new JsonObject
                    {
                        ["id"] = 7, ["name"] = "nightshift", ["revoked"] = false, ["active"] = true, ["user_id"] = 1,
                        ["expires_at"] = "2027-06-30", ["scopes"] = new JsonArray([.. Scopes.Select(s => JsonValue.Create(s))]),
                    })
                    : FakeAnswer.Message(404, "404 Not Found");
            case ("GET", 1, "users"):
                var name = call.QueryValue("username");
                return FakeAnswer.Json(200, new JsonArray([.. _users
                    .Where(u => name is null || string.Equals(u.Key, name, StringComparison.OrdinalIgnoreCase))
                    .Select(u => (JsonNode)new JsonObject { ["id"] = u.Value, ["username"] = u.Key })]));
            case (_, >= 3, "projects"):
                var id = Uri.UnescapeDataString(route[1]);
                var project = _projects.Values.FirstOrDefault(p => string.Equals(p.Path, id, StringComparison.OrdinalIgnoreCase) || p.Id.ToString(CultureInfo.InvariantCulture) == id);
                return project is null ? FakeAnswer.Message(404, "404 Project Not Found") : ProjectRoute(call, project, route.Skip(2).ToList());
            default:
                return FakeAnswer.Json(404, new JsonObject { ["error"] = "404 Not Found" });
        }
    }

    private FakeAnswer ProjectRoute(ForgeCall call, Project project, List<string> route)
    {
        switch (call.Method, route.Count, route[0])
        {
            case ("GET", 1, "merge_requests"):
                var state = call.QueryValue("state");
                var source = call.QueryValue("source_branch");
                return FakeAnswer.Json(200, new JsonArray([.. _mergeRequests
                    .Where(m => m.Repository == project.Path && (state is null || (state == "opened") == m.Open) && (source is null || m.SourceBranch == source))
                    .Select(m => (JsonNode)ToJson(m, project))]));
            case ("POST", 1, "merge_requests"):
                return Create(call, project);
            case ("PUT", 2, "merge_requests"):
                var mr = _mergeRequests.FirstOrDefault(m => m.Repository == project.Path && m.Number.ToString(CultureInfo.InvariantCulture) == route[1]);
                if (mr is null)
                {
                    return FakeAnswer.Message(404, "404 Not found");
                }
                var body = call.Json as JsonObject ?? [];
                if (body["title"]?.GetValue<string>() is { } title)
                {
                    mr.Title = title;
                }
                if (body["description"]?.GetValue<string>() is { } description)
                {
                    mr.Description = description;
                }
                foreach (var label in Labels(body["add_labels"]).Where(l => !mr.Labels.Contains(l)))
                {
                    mr.Labels.Add(label);
                }
                return FakeAnswer.Json(200, ToJson(mr, project));
            default:
                return ConversationRoute(call, project.Path, route);
        }
    }

    private FakeAnswer Create(ForgeCall call, Project project)
    {
        if (call.Json is not JsonObject body)
        {
            return FakeAnswer.Json(400, new JsonObject { ["error"] = "source_branch is missing, target_branch is missing, title is missing" });
        }
        var source = body["source_branch"]?.GetValue<string>();
        var target = body["target_branch"]?.GetValue<string>();
        var title = body["title"]?.GetValue<string>();
        if (source is null || target is null || string.IsNullOrEmpty(title))
        {
            return FakeAnswer.Json(400, new JsonObject { ["error"] = "source_branch is missing, target_branch is missing, title is missing" });
        }
        if (title.Length > 255)
        {
            return FakeAnswer.Json(400, new JsonObject { ["message"] = new JsonObject { ["title"] = new JsonArray("is too long (maximum is 255 characters)") } });
        }
        if (!project.Branches.Contains(source))
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = new JsonArray($"Source branch \"{source}\" does not exist") });
        }
        if (!project.Branches.Contains(target))
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = new JsonArray($"Target branch \"{target}\" does not exist") });
        }
        if (_mergeRequests.FirstOrDefault(m => m.Repository == project.Path && m.Open && m.SourceBranch == source && m.SourceRepository is null) is { } open)
        {
            return FakeAnswer.Json(409, new JsonObject { ["message"] = new JsonArray($"Another open merge request already exists for this source branch: !{open.Number}") });
        }
        var mr = new FakeMergeRequest
        {
            Number = NextIid(project.Path), Repository = project.Path, SourceBranch = source, TargetBranch = target,
            Title = title, Description = body["description"]?.GetValue<string>() ?? string.Empty, CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero),
        };
        mr.Labels.AddRange(Labels(body["labels"]));
        if (body["reviewer_ids"] is JsonArray reviewers)
        {
            mr.Reviewers.AddRange(reviewers.Select(r => r!.ToJsonString()));
        }
        _mergeRequests.Add(mr);
        return FakeAnswer.Json(201, ToJson(mr, project));
    }

    private long NextIid(string project) => _mergeRequests.Count(m => m.Repository == project) + 1;

    /// <summary>GitLab takes labels as a comma-separated string or a list.</summary>
    private static IEnumerable<string> Labels(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(l => l!.GetValue<string>()),
        JsonValue value when value.TryGetValue<string>(out var text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _ => [],
    };

    private JsonObject ToJson(FakeMergeRequest mr, Project project) => new()
    {
        ["id"] = (project.Id * 1000) + mr.Number,
        ["iid"] = mr.Number,
        ["project_id"] = project.Id,
        ["source_project_id"] = mr.SourceRepository is null ? project.Id : 999,
        ["target_project_id"] = project.Id,
        ["title"] = mr.Title,
        ["description"] = mr.Description,
        ["state"] = mr.Open ? "opened" : "closed",
        ["draft"] = mr.Title.StartsWith("Draft:", StringComparison.OrdinalIgnoreCase),
        ["source_branch"] = mr.SourceBranch,
        ["target_branch"] = mr.TargetBranch,
        ["labels"] = new JsonArray([.. mr.Labels.Select(l => JsonValue.Create(l))]),
        ["web_url"] = new Uri(BaseUri, $"{project.Path}/-/merge_requests/{mr.Number}").AbsoluteUri,
        ["created_at"] = mr.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private sealed record Project(long Id, string Path, HashSet<string> Branches, HashSet<long> Issues);
}
