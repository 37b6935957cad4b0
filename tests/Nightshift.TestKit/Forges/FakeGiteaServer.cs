using System.Globalization;
using System.Text.Json.Nodes;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// The few Gitea/Forgejo REST API v1 routes a forge client uses, from Gitea's public API reference: the token in
/// "Authorization: token X" and checked against scopes; pulls (list open, paged by limit/page; create — 409 when the
/// head already has an open one; edit), requested reviewers (collaborators only, else 422), labels (list, paged; add to
/// an issue), issue comments, GET /user; and the issue side: a collaborator's permission, issues listed by label and
/// time, comments listed (since), reactions on issues and comments (only the instance's allowed ones, else 403), reviews
/// and their comments, and Actions job logs (text). Everything is seedable and inspectable.
/// </summary>
public sealed class FakeGiteaServer : FakeForgeServer
{
    /// <summary>Gitea's default MAX_RESPONSE_ITEMS: a page never holds more.</summary>
    public const int MaxPageSize = 50;

    private readonly Dictionary<string, Repository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeMergeRequest> _pulls = [];
    private readonly List<ForgeComment> _comments = [];
    private readonly List<FakeGiteaComment> _threadComments = [];
    private readonly List<FakeGiteaIssue> _issues = [];
    private readonly List<FakeGiteaReview> _reviews = [];
    private readonly List<FakeGiteaReaction> _reactions = [];
    private readonly Dictionary<(string Repository, string User), string> _permissions = [];
    private readonly Dictionary<(string Repository, long Job), string> _jobLogs = [];
    private long _nextId = 1000;

    private FakeGiteaServer(string token) : base(token)
    {
    }

    public override Uri ApiUri => new(BaseUri, "api/v1");

    /// <summary>The token's scopes; "write:x" implies "read:x", as on Gitea.</summary>
    public List<string> Scopes { get; } = ["write:repository", "write:issue", "read:user"];

    public string Login { get; set; } = "nightshift";

    /// <summary>What creating a pull request that exists answers: 409 on Gitea 1.17 and later, 422 before.</summary>
    public int ConflictStatus { get; set; } = 409;

    public IReadOnlyList<FakeMergeRequest> Pulls
    {
        get
        {
            lock (Gate)
            {
                return [.. _pulls];
            }
        }
    }

    public IReadOnlyList<ForgeComment> Comments
    {
        get
        {
            lock (Gate)
            {
                return [.. _comments];
            }
        }
    }

    /// <summary>The instance's [ui] REACTIONS: any other reaction is refused with 403.</summary>
    public List<string> AllowedReactions { get; } = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"];

    /// <summary>When the fake says a posted comment was made.</summary>
    public DateTimeOffset Now { get; set; } = new(2026, 3, 5, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Every comment, seeded or posted, review comments included, in the order they were made.</summary>
    public IReadOnlyList<FakeGiteaComment> ThreadComments
    {
        get
        {
            lock (Gate)
            {
                return [.. _threadComments];
            }
        }
    }

    public IReadOnlyList<FakeGiteaReaction> Reactions
    {
        get
        {
            lock (Gate)
            {
                return [.. _reactions];
            }
        }
    }

    public static async Task<FakeGiteaServer> StartAsync(string token = "0123456789abcdef0123456789abcdef01234567", CancellationToken cancellationToken = default)
    {
        var server = new FakeGiteaServer(token);
        await server.StartServerAsync(cancellationToken);
        return server;
    }

    public void AddRepository(string fullName, params string[] branches)
    {
        lock (Gate)
        {
            _repositories[fullName] = new Repository(_repositories.Count + 1, fullName, [.. branches.Length == 0 ? ["main"] : branches], [], [], []);
        }
    }

    public long AddLabel(string repository, string name)
    {
        lock (Gate)
        {
            var labels = _repositories[repository].Labels;
            var id = (_repositories[repository].Id * 100) + labels.Count + 1;
            labels[name] = id;
            return id;
        }
    }

    public void AddCollaborator(string repository, string login)
    {
        lock (Gate)
        {
            _repositories[repository].Collaborators.Add(login);
        }
    }

    public void AddIssue(string repository, long number)
    {
        lock (Gate)
        {
            _repositories[repository].Issues.Add(number);
        }
    }

    /// <summary>An issue with its text and labels, as the issue list shows it.</summary>
    public void AddIssue(string repository, long number, string title, string body, string author, IReadOnlyList<string> labels, DateTimeOffset updatedAt, bool open = true)
    {
        lock (Gate)
        {
            _repositories[repository].Issues.Add(number);
            _issues.RemoveAll(i => i.Repository == repository && i.Number == number);
            _issues.Add(new FakeGiteaIssue(repository, number, title, body, author, [.. labels], updatedAt, open));
        }
    }

    /// <summary>
    /// The permission the collaborator permission route answers for <paramref name="user"/>: owner, admin, write, read
    /// or none. A user with none set who is a collaborator reads as write; anyone else is unknown (404).
    /// </summary>
    public void SetPermission(string repository, string user, string permission)
    {
        lock (Gate)
        {
            _permissions[(repository, user)] = permission;
        }
    }

    /// <returns>the comment's id.</returns>
    public long AddComment(string repository, long issue, string author, string body, DateTimeOffset createdAt, long authorId = 1)
    {
        lock (Gate)
        {
            var comment = new FakeGiteaComment(++_nextId, repository, issue, author, body, createdAt, authorId);
            _threadComments.Add(comment);
            return comment.Id;
        }
    }

    /// <returns>the review's id.</returns>
    public long AddReview(string repository, long pull, string author, string state, string body, DateTimeOffset submittedAt)
    {
        lock (Gate)
        {
            var review = new FakeGiteaReview(++_nextId, repository, pull, author, state, body, submittedAt);
            _reviews.Add(review);
            return review.Id;
        }
    }

    /// <returns>the review comment's id.</returns>
    public long AddReviewComment(long reviewId, string author, string body, string path, int line, DateTimeOffset createdAt, long authorId = 1)
    {
        lock (Gate)
        {
            var review = _reviews.Single(r => r.Id == reviewId);
            var comment = new FakeGiteaComment(++_nextId, review.Repository, review.Pull, author, body, createdAt, authorId, reviewId, path, line);
            _threadComments.Add(comment);
            return comment.Id;
        }
    }

    public void SetJobLog(string repository, long job, string log)
    {
        lock (Gate)
        {
            _jobLogs[(repository, job)] = log;
        }
    }

    /// <summary>Open pull requests from other branches, to fill pages before the one a client looks for.</summary>
    public void AddPulls(string repository, int count)
    {
        lock (Gate)
        {
            for (var i = 0; i < count; i++)
            {
                _repositories[repository].Branches.Add($"other-{i}");
                _pulls.Add(NewPull(repository, $"other-{i}", "main", $"Other {i}", null));
            }
        }
    }

    protected override bool Authenticated(ForgeCall call) =>
        call.Headers.TryGetValue("Authorization", out var authorization)
        && (authorization == "token " + Token || authorization == "Bearer " + Token);

    protected override FakeAnswer Unauthorized() => FakeAnswer.Message(401, "user does not exist [uid: 0, name: ]");

    protected override FakeAnswer Route(ForgeCall call, IReadOnlyList<string> route)
    {
        if (call.Method == "GET" && route.Count == 1 && route[0] == "user")
        {
            return Scoped("read:user") ?? FakeAnswer.Json(200, new JsonObject { ["id"] = 1, ["login"] = Login, ["username"] = Login });
        }
        if (route.Count < 4 || route[0] != "repos")
        {
            return FakeAnswer.Message(404, "404 page not found");
        }
        var fullName = $"{Uri.UnescapeDataString(route[1])}/{Uri.UnescapeDataString(route[2])}";
        if (!_repositories.TryGetValue(fullName, out var repository))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        var rest = route.Skip(3).Select(Uri.UnescapeDataString).ToList();
        var index = rest.Count > 1 && long.TryParse(rest[1], CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
        switch (call.Method, rest.Count, rest[0])
        {
            case ("GET", 1, "pulls"):
                return Scoped("read:repository") ?? Page(call, _pulls.Where(p => p.Repository == repository.FullName && (call.QueryValue("state") != "open" || p.Open)).Select(p => ToJson(p, repository)));
            case ("POST", 1, "pulls"):
                return Scoped("write:repository") ?? Create(call, repository);
            case ("PATCH", 2, "pulls"):
                return Scoped("write:repository") ?? Edit(call, repository, index);
            case ("POST", 3, "pulls") when rest[2] == "requested_reviewers":
                return Scoped("write:repository") ?? RequestReviewers(call, repository, index);
            case ("GET", 1, "labels"):
                return Scoped("read:issue") ?? Page(call, repository.Labels.Select(l => (JsonObject)new JsonObject { ["id"] = l.Value, ["name"] = l.Key }));
            case ("POST", 3, "issues") when rest[2] == "labels":
                return Scoped("write:issue") ?? AddLabels(call, repository, index);
            case ("POST", 3, "issues") when rest[2] == "comments":
                return Scoped("write:issue") ?? Comment(call, repository, index);
            case ("GET", 3, "collaborators") when rest[2] == "permission":
                return Scoped("read:repository") ?? Permission(repository, rest[1]);
            case ("GET", 1, "issues"):
                return Scoped("read:issue") ?? ListIssues(call, repository);
            case ("GET", 3, "issues") when rest[2] == "comments":
                return Scoped("read:issue") ?? ListComments(call, repository, index);
            case ("POST", 3, "issues") when rest[2] == "reactions":
                return Scoped("write:issue") ?? React(call, repository, index, null);
            case ("POST", 4, "issues") when rest[1] == "comments" && rest[3] == "reactions":
                return Scoped("write:issue") ?? React(call, repository, null, long.TryParse(rest[2], CultureInfo.InvariantCulture, out var c) ? c : -1);
            case ("GET", 3, "pulls") when rest[2] == "reviews":
                return Scoped("read:repository") ?? ListReviews(call, repository, index);
            case ("GET", 5, "pulls") when rest[2] == "reviews" && rest[4] == "comments":
                return Scoped("read:repository") ?? ListReviewComments(repository, index, long.TryParse(rest[3], CultureInfo.InvariantCulture, out var r) ? r : -1);
            case ("GET", 4, "actions") when rest[1] == "jobs" && rest[3] == "logs":
                return Scoped("read:repository") ?? JobLog(repository, long.TryParse(rest[2], CultureInfo.InvariantCulture, out var j) ? j : -1);
            default:
                return FakeAnswer.Message(404, "404 page not found");
        }
    }

    private FakeAnswer? Scoped(string needed)
    {
        var (access, category) = (needed[..needed.IndexOf(':', StringComparison.Ordinal)], needed[(needed.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var granted = Scopes.Contains("all") || Scopes.Contains(needed) || (access == "read" && Scopes.Contains("write:" + category));
        return granted ? null : FakeAnswer.Message(403, $"token does not have at least one of required scope(s): [{needed}]");
    }

    private static FakeAnswer Page(ForgeCall call, IEnumerable<JsonObject> items)
    {
        var limit = int.TryParse(call.QueryValue("limit"), CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, MaxPageSize) : 30;
        var page = int.TryParse(call.QueryValue("page"), CultureInfo.InvariantCulture, out var p) ? Math.Max(p, 1) : 1;
        return FakeAnswer.Json(200, new JsonArray([.. items.Skip((page - 1) * limit).Take(limit)]));
    }

    private FakeAnswer Create(ForgeCall call, Repository repository)
    {
        if (call.Json is not JsonObject body || body["head"]?.GetValue<string>() is not { } head || body["base"]?.GetValue<string>() is not { } baseBranch
            || body["title"]?.GetValue<string>() is not { Length: > 0 } title)
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = "[Head]: Required; [Base]: Required; [Title]: Required" });
        }
        if (title.Length > 255)
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = "[Title]: MaxSize" });
        }
        if (!repository.Branches.Contains(head) || !repository.Branches.Contains(baseBranch))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        if (_pulls.FirstOrDefault(p => p.Repository == repository.FullName && p.Open && p.SourceBranch == head && p.TargetBranch == baseBranch && p.SourceRepository is null) is { } open)
        {
            return FakeAnswer.Message(ConflictStatus, $"pull request already exists for these targets [id: {open.Number}, issue_id: {open.Number}, head_repo_id: {repository.Id}, base_repo_id: {repository.Id}, head_branch: {head}, base_branch: {baseBranch}]");
        }
        var labelIds = body["labels"] is JsonArray ids ? ids.Select(i => i!.GetValue<long>()).ToList() : [];
        if (labelIds.Any(id => !repository.Labels.ContainsValue(id)))
        {
            return FakeAnswer.Message(422, "label does not exist");
        }
        var pull = NewPull(repository.FullName, head, baseBranch, title, body["body"]?.GetValue<string>());
        pull.Labels.AddRange(repository.Labels.Where(l => labelIds.Contains(l.Value)).Select(l => l.Key));
        _pulls.Add(pull);
        return FakeAnswer.Json(201, ToJson(pull, repository));
    }

    private FakeAnswer Edit(ForgeCall call, Repository repository, long? index)
    {
        if (Find(repository, index) is not { } pull)
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        var body = call.Json as JsonObject ?? [];
        if (body["title"]?.GetValue<string>() is { } title)
        {
            pull.Title = title;
        }
        if (body["body"]?.GetValue<string>() is { } text)
        {
            pull.Description = text;
        }
        return FakeAnswer.Json(201, ToJson(pull, repository));
    }

    private FakeAnswer RequestReviewers(ForgeCall call, Repository repository, long? index)
    {
        if (Find(repository, index) is not { } pull)
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        var names = (call.Json as JsonObject)?["reviewers"] is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToList() : [];
        if (names.FirstOrDefault(n => !repository.Collaborators.Contains(n)) is { } stranger)
        {
            return FakeAnswer.Message(422, $"reviewer is invalid [user_id: 0, repo_id: {repository.Id}] ({stranger})");
        }
        pull.Reviewers.AddRange(names.Where(n => !pull.Reviewers.Contains(n)));
        return FakeAnswer.Json(201, new JsonArray());
    }

    private FakeAnswer AddLabels(ForgeCall call, Repository repository, long? index)
    {
        if (Find(repository, index) is not { } pull)
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        var ids = (call.Json as JsonObject)?["labels"] is JsonArray array ? array.Select(i => i!.GetValue<long>()).ToList() : [];
        pull.Labels.AddRange(repository.Labels.Where(l => ids.Contains(l.Value) && !pull.Labels.Contains(l.Key)).Select(l => l.Key));
        return FakeAnswer.Json(200, new JsonArray([.. pull.Labels.Select(l => (JsonNode)new JsonObject { ["id"] = repository.Labels[l], ["name"] = l })]));
    }

    private FakeAnswer Comment(ForgeCall call, Repository repository, long? index)
    {
        if (index is not { } number || !(repository.Issues.Contains(number) || Find(repository, number) is not null))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        if ((call.Json as JsonObject)?["body"]?.GetValue<string>() is not { Length: > 0 } text)
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = "[Body]: Required" });
        }
        _comments.Add(new ForgeComment(repository.FullName, number, text));
        var comment = new FakeGiteaComment(++_nextId, repository.FullName, number, Login, text, Now);
        _threadComments.Add(comment);
        return FakeAnswer.Json(201, ToJson(comment));
    }

    private FakeAnswer Permission(Repository repository, string user)
    {
        if (_permissions.TryGetValue((repository.FullName, user), out var permission))
        {
            return FakeAnswer.Json(200, new JsonObject
            {
                ["permission"] = permission, ["role_name"] = permission,
                ["user"] = new JsonObject { ["id"] = 7, ["login"] = user },
            });
        }
        return repository.Collaborators.Contains(user)
            ? FakeAnswer.Json(200, new JsonObject { ["permission"] = "write", ["role_name"] = "write", ["user"] = new JsonObject { ["id"] = 7, ["login"] = user } })
            : FakeAnswer.Message(404, $"user does not exist [uid: 0, name: {user}]");
    }

    private FakeAnswer ListIssues(ForgeCall call, Repository repository)
    {
        var state = call.QueryValue("state") ?? "open";
        var labels = (call.QueryValue("labels") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var since = DateTimeOffset.TryParse(call.QueryValue("since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : (DateTimeOffset?)null;
        var type = call.QueryValue("type");
        var issues = _issues.Where(i => i.Repository == repository.FullName
                && (state == "all" || (state == "open") == i.Open)
                && labels.All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase))
                && (since is null || i.UpdatedAt >= since))
            .OrderByDescending(i => i.Number)
            .Select(i => new JsonObject
            {
                ["id"] = (repository.Id * 10_000) + i.Number, ["number"] = i.Number, ["title"] = i.Title, ["body"] = i.Body,
                ["html_url"] = new Uri(BaseUri, $"{repository.FullName}/issues/{i.Number}").AbsoluteUri,
                ["user"] = new JsonObject { ["id"] = 3, ["login"] = i.Author },
                ["labels"] = new JsonArray([.. i.Labels.Select(l => (JsonNode)new JsonObject { ["name"] = l })]),
                ["state"] = i.Open ? "open" : "closed",
                ["updated_at"] = i.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["pull_request"] = null,
            });
        var pulls = type == "issues" ? [] : _pulls.Where(p => p.Repository == repository.FullName && labels.All(l => p.Labels.Contains(l)) && (state == "all" || (state == "open") == p.Open))
            .Select(p => new JsonObject
            {
                ["id"] = (repository.Id * 10_000) + p.Number, ["number"] = p.Number, ["title"] = p.Title, ["body"] = p.Description,
                ["html_url"] = new Uri(BaseUri, $"{repository.FullName}/pulls/{p.Number}").AbsoluteUri,
                ["user"] = new JsonObject { ["id"] = 1, ["login"] = Login },
                ["labels"] = new JsonArray([.. p.Labels.Select(l => (JsonNode)new JsonObject { ["name"] = l })]),
                ["updated_at"] = p.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["pull_request"] = new JsonObject { ["merged"] = false },
            });
        return Page(call, issues.Concat(pulls));
    }

    private FakeAnswer ListComments(ForgeCall call, Repository repository, long? index)
    {
        if (index is not { } number || !(repository.Issues.Contains(number) || Find(repository, number) is not null))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        var since = DateTimeOffset.TryParse(call.QueryValue("since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : (DateTimeOffset?)null;
        return Page(call, _threadComments.Where(c => c.Repository == repository.FullName && c.Issue == number && c.ReviewId is null && (since is null || c.CreatedAt >= since))
            .Select(ToJson));
    }

    private FakeAnswer React(ForgeCall call, Repository repository, long? issue, long? commentId)
    {
        if (issue is { } number ? !(repository.Issues.Contains(number) || Find(repository, number) is not null)
            : !_threadComments.Any(c => c.Repository == repository.FullName && c.Id == commentId))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        if ((call.Json as JsonObject)?["content"]?.GetValue<string>() is not { Length: > 0 } content)
        {
            return FakeAnswer.Json(422, new JsonObject { ["message"] = "[Content]: Required" });
        }
        if (!AllowedReactions.Contains(content))
        {
            return FakeAnswer.Message(403, $"'{content}' is not an allowed reaction");
        }
        var reaction = new FakeGiteaReaction(repository.FullName, issue, commentId, content, Login);
        var existed = _reactions.Contains(reaction);
        if (!existed)
        {
            _reactions.Add(reaction);
        }
        return FakeAnswer.Json(existed ? 200 : 201, new JsonObject
        {
            ["user"] = new JsonObject { ["id"] = 1, ["login"] = Login }, ["content"] = content,
            ["created_at"] = Now.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    private FakeAnswer ListReviews(ForgeCall call, Repository repository, long? index)
    {
        if (Find(repository, index) is null)
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        return Page(call, _reviews.Where(r => r.Repository == repository.FullName && r.Pull == index).Select(r => new JsonObject
        {
            ["id"] = r.Id, ["user"] = new JsonObject { ["id"] = 3, ["login"] = r.Author }, ["body"] = r.Body, ["state"] = r.State,
            ["comments_count"] = _threadComments.Count(c => c.ReviewId == r.Id),
            ["submitted_at"] = r.SubmittedAt.ToString("O", CultureInfo.InvariantCulture),
            ["html_url"] = new Uri(BaseUri, $"{repository.FullName}/pulls/{r.Pull}#issuecomment-{r.Id}").AbsoluteUri,
        }));
    }

    private FakeAnswer ListReviewComments(Repository repository, long? index, long reviewId)
    {
        if (Find(repository, index) is null || !_reviews.Any(r => r.Id == reviewId && r.Repository == repository.FullName && r.Pull == index))
        {
            return FakeAnswer.Message(404, "The target couldn't be found.");
        }
        // Gitea answers one review's comments unpaged.
        return FakeAnswer.Json(200, new JsonArray([.. _threadComments.Where(c => c.ReviewId == reviewId).Select(c => (JsonNode)ToJson(c))]));
    }

    private FakeAnswer JobLog(Repository repository, long job) =>
        _jobLogs.TryGetValue((repository.FullName, job), out var log)
            ? new FakeAnswer(200, log, "text/plain; charset=utf-8")
            : FakeAnswer.Message(404, "The target couldn't be found.");

    private JsonObject ToJson(FakeGiteaComment comment)
    {
        var json = new JsonObject
        {
            ["id"] = comment.Id,
            ["body"] = comment.Body,
            ["user"] = new JsonObject { ["id"] = comment.AuthorId, ["login"] = comment.Author },
            ["created_at"] = comment.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["updated_at"] = comment.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["html_url"] = new Uri(BaseUri, comment.ReviewId is null
                ? $"{comment.Repository}/issues/{comment.Issue}#issuecomment-{comment.Id}"
                : $"{comment.Repository}/pulls/{comment.Issue}/files#issuecomment-{comment.Id}").AbsoluteUri,
        };
        if (comment.ReviewId is { } review)
        {
            json["pull_request_review_id"] = review;
            json["path"] = comment.Path;
            json["position"] = comment.Line;
            json["original_position"] = 0;
            json["diff_hunk"] = "@@ -1,1 +1,1 @@";
        }
        return json;
    }

    private FakeMergeRequest? Find(Repository repository, long? index) =>
        _pulls.FirstOrDefault(p => p.Repository == repository.FullName && p.Number == index);

    private FakeMergeRequest NewPull(string repository, string head, string baseBranch, string title, string? body) => new()
    {
        Number = _pulls.Count(p => p.Repository == repository) + _repositories[repository].Issues.Count + 1,
        Repository = repository, SourceBranch = head, TargetBranch = baseBranch, Title = title, Description = body ?? string.Empty,
        CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero),
    };

    private JsonObject ToJson(FakeMergeRequest pull, Repository repository) => new()
    {
        ["id"] = (repository.Id * 1000) + pull.Number,
        ["number"] = pull.Number,
        ["title"] = pull.Title,
        ["body"] = pull.Description,
        ["state"] = pull.Open ? "open" : "closed",
        ["html_url"] = new Uri(BaseUri, $"{repository.FullName}/pulls/{pull.Number}").AbsoluteUri,
        ["head"] = new JsonObject { ["ref"] = pull.SourceBranch, ["label"] = pull.SourceBranch, ["repo"] = new JsonObject { ["full_name"] = pull.SourceRepository ?? repository.FullName } },
        ["base"] = new JsonObject { ["ref"] = pull.TargetBranch, ["label"] = pull.TargetBranch, ["repo"] = new JsonObject { ["full_name"] = repository.FullName } },
        ["labels"] = new JsonArray([.. pull.Labels.Select(l => (JsonNode)new JsonObject { ["id"] = repository.Labels[l], ["name"] = l })]),
        ["created_at"] = pull.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private sealed record Repository(long Id, string FullName, HashSet<string> Branches, Dictionary<string, long> Labels, HashSet<string> Collaborators, HashSet<long> Issues);
}
