using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nightshift.TestKit.Forges;

/// <summary>
/// The issue side of the fake GitLab, from GitLab's REST API v4 reference: project members with access levels
/// (<c>GET members/all/:user_id</c>), issues listed by label, state and updated_after, notes on issues and merge
/// requests (list, create), merge request discussions (list, reply), award emoji (on an issue, merge request or note;
/// twice → 404 "has already been taken") and job logs (<c>GET jobs/:id/trace</c>, plain text). Everything is seedable.
/// </summary>
public sealed partial class FakeGitLabServer
{
    private readonly List<FakeGitLabIssue> _issues = [];
    private readonly List<FakeGitLabNote> _allNotes = [];
    private readonly List<FakeGitLabAward> _awards = [];
    private readonly List<FakeGitLabMember> _members = [];
    private readonly Dictionary<long, (string Project, string Trace)> _jobs = [];
    private DateTimeOffset _noteClock = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Every note, on issues and merge requests, seeded or posted, in the order they were made.</summary>
    public IReadOnlyList<FakeGitLabNote> AllNotes
    {
        get
        {
            lock (Gate)
            {
                return [.. _allNotes];
            }
        }
    }

    public IReadOnlyList<FakeGitLabAward> Awards
    {
        get
        {
            lock (Gate)
            {
                return [.. _awards];
            }
        }
    }

    public IReadOnlyList<FakeGitLabIssue> Issues
    {
        get
        {
            lock (Gate)
            {
                return [.. _issues];
            }
        }
    }

    /// <summary>Makes <paramref name="username"/> (created when unknown) a member of <paramref name="project"/>.</summary>
    public long AddMember(string project, string username, int accessLevel, string state = "active")
    {
        lock (Gate)
        {
            if (!_users.TryGetValue(username, out var id))
            {
                id = _users.Count + 1;
                _users[username] = id;
            }
            _members.Add(new FakeGitLabMember(project, username, id, accessLevel, state));
            return id;
        }
    }

    /// <summary>An open merge request from <paramref name="sourceBranch"/> into main; returns its iid.</summary>
    public long AddMergeRequest(string project, string sourceBranch, string title = "A merge request")
    {
        lock (Gate)
        {
            var mr = new FakeMergeRequest
            {
                Number = NextIid(project), Repository = project, SourceBranch = sourceBranch, TargetBranch = "main",
                Title = title, CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero),
            };
            _mergeRequests.Add(mr);
            return mr.Number;
        }
    }

    /// <summary>A note on issue or merge request <paramref name="iid"/> (<paramref name="noteable"/>: "issues" or "merge_requests"), alone in its discussion.</summary>
    public FakeGitLabNote AddNote(string project, string noteable, long iid, string author, string body, bool system = false, bool authorIsBot = false)
    {
        lock (Gate)
        {
            return Store(project, noteable, iid, NewDiscussionId(), author, body, null, system, null, null, authorIsBot);
        }
    }

    /// <summary>A review comment: a diff note starting a new discussion on <paramref name="path"/>:<paramref name="line"/> of merge request <paramref name="iid"/>.</summary>
    public FakeGitLabNote AddDiffNote(string project, long iid, string author, string body, string path, int line, string? discussionId = null)
    {
        lock (Gate)
        {
            return Store(project, "merge_requests", iid, discussionId ?? NewDiscussionId(), author, body, "DiffNote", false, path, line, false);
        }
    }

    /// <summary>A job of <paramref name="project"/> whose log is <paramref name="trace"/>; returns its id.</summary>
    public long AddJob(string project, string trace)
    {
        lock (Gate)
        {
            var id = 9000 + _jobs.Count + 1;
            _jobs[id] = (project, trace);
            return id;
        }
    }

    private FakeGitLabNote Store(string project, string noteable, long iid, string discussion, string author, string body, string? type, bool system, string? path, int? line, bool authorIsBot)
    {
        _noteClock = _noteClock.AddMinutes(1);
        var note = new FakeGitLabNote
        {
            Id = 5000 + _allNotes.Count + 1, Project = project, Noteable = noteable, Iid = iid, DiscussionId = discussion,
            Author = author, AuthorIsBot = authorIsBot, Body = body, Type = type, System = system, Path = path, Line = line, CreatedAt = _noteClock,
        };
        _allNotes.Add(note);
        return note;
    }

    private string NewDiscussionId() =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("discussion-" + _allNotes.Count.ToString(CultureInfo.InvariantCulture) + "-" + _noteClock.Ticks.ToString(CultureInfo.InvariantCulture))));

    private FakeAnswer ConversationRoute(ForgeCall call, string project, List<string> route)
    {
        switch (call.Method, route.Count, route[0])
        {
            case ("GET", 3, "members") when route[1] == "all":
                var member = _members.LastOrDefault(m => m.Project == project && m.UserId.ToString(CultureInfo.InvariantCulture) == route[2]);
                return member is null
                    ? FakeAnswer.Message(404, "404 Not found")
                    : FakeAnswer.Json(200, new JsonObject
                    {
                        ["id"] = member.UserId, ["username"] = member.Username, ["name"] = member.Username,
                        ["state"] = member.State, ["access_level"] = member.AccessLevel,
                    });
            case ("GET", 1, "issues"):
                return ListIssues(call, project);
            case ("GET", 3, "jobs") when route[2] == "trace":
                return long.TryParse(route[1], CultureInfo.InvariantCulture, out var job) && _jobs.TryGetValue(job, out var log) && log.Project == project
                    ? new FakeAnswer(200, log.Trace, "text/plain")
                    : FakeAnswer.Message(404, "404 Not found");
            case (_, >= 3, "issues" or "merge_requests"):
                if (!long.TryParse(route[1], CultureInfo.InvariantCulture, out var iid) || !ThreadExists(project, route[0], iid))
                {
                    return FakeAnswer.Message(404, route[0] == "issues" ? "404 Issue Not Found" : "404 Merge Request Not Found");
                }
                return ThreadRoute(call, project, route[0], iid, route.Skip(2).ToList());
            default:
                return FakeAnswer.Json(404, new JsonObject { ["error"] = "404 Not Found" });
        }
    }

    private FakeAnswer ThreadRoute(ForgeCall call, string project, string noteable, long iid, List<string> route)
    {
        var awardable = $"{noteable}/{iid.ToString(CultureInfo.InvariantCulture)}";
        switch (call.Method, route.Count, route[0])
        {
            case ("GET", 1, "notes"):
                var notes = _allNotes.Where(n => n.Project == project && n.Noteable == noteable && n.Iid == iid);
                notes = call.QueryValue("sort") == "desc" ? notes.OrderByDescending(n => n.CreatedAt) : notes.OrderBy(n => n.CreatedAt);
                return FakeAnswer.Json(200, new JsonArray([.. Page(call, notes).Select(n => (JsonNode)NoteJson(n))]));
            case ("POST", 1, "notes"):
                return Post(call, project, noteable, iid, NewDiscussionId(), null);
            case ("GET", 1, "discussions") when noteable == "merge_requests":
                var discussions = _allNotes.Where(n => n.Project == project && n.Noteable == noteable && n.Iid == iid)
                    .GroupBy(n => n.DiscussionId)
                    .Select(g => (JsonNode)new JsonObject
                    {
                        ["id"] = g.Key,
                        ["individual_note"] = g.Count() == 1 && g.First().Type is null,
                        ["notes"] = new JsonArray([.. g.OrderBy(n => n.CreatedAt).Select(n => (JsonNode)NoteJson(n))]),
                    });
                return FakeAnswer.Json(200, new JsonArray([.. Page(call, discussions)]));
            case ("POST", 3, "discussions") when route[2] == "notes" && noteable == "merge_requests":
                var first = _allNotes.FirstOrDefault(n => n.Project == project && n.Noteable == noteable && n.Iid == iid && n.DiscussionId == route[1]);
                return first is null
                    ? FakeAnswer.Message(404, "404 Discussion Not Found")
                    : Post(call, project, noteable, iid, first.DiscussionId, first.Type);
            case ("POST", 1, "award_emoji"):
                return Award(call, project, awardable);
            case ("POST", 3, "notes") when route[2] == "award_emoji":
                return _allNotes.Any(n => n.Project == project && n.Noteable == noteable && n.Iid == iid && n.Id.ToString(CultureInfo.InvariantCulture) == route[1])
                    ? Award(call, project, $"{awardable}/notes/{route[1]}")
                    : FakeAnswer.Message(404, "404 Note Not Found");
            default:
                return FakeAnswer.Json(404, new JsonObject { ["error"] = "404 Not Found" });
        }
    }

    private FakeAnswer Post(ForgeCall call, string project, string noteable, long iid, string discussion, string? type)
    {
        if ((call.Json as JsonObject)?["body"] is not JsonValue value || !value.TryGetValue<string>(out var body) || body.Length == 0)
        {
            return FakeAnswer.Json(400, new JsonObject { ["error"] = "body is missing" });
        }
        if (body.Length > 1_000_000)
        {
            return FakeAnswer.Json(400, new JsonObject { ["message"] = new JsonObject { ["note"] = new JsonArray("is too long (maximum is 1000000 characters)") } });
        }
        var note = Store(project, noteable, iid, discussion, Username, body, type, false, null, null, false);
        return FakeAnswer.Json(201, NoteJson(note));
    }

    private FakeAnswer Award(ForgeCall call, string project, string awardable)
    {
        if ((call.Json as JsonObject)?["name"] is not JsonValue value || !value.TryGetValue<string>(out var name) || name.Length == 0)
        {
            return FakeAnswer.Json(400, new JsonObject { ["error"] = "name is missing" });
        }
        if (_awards.Any(a => a.Project == project && a.Awardable == awardable && a.Name == name && a.User == Username))
        {
            return FakeAnswer.Message(404, "404 Award Emoji Name has already been taken");
        }
        _awards.Add(new FakeGitLabAward(project, awardable, name, Username));
        return FakeAnswer.Json(201, new JsonObject { ["id"] = _awards.Count, ["name"] = name, ["user"] = new JsonObject { ["username"] = Username } });
    }

    private FakeAnswer ListIssues(ForgeCall call, string project)
    {
        var labels = (call.QueryValue("labels") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var state = call.QueryValue("state");
        var after = call.QueryValue("updated_after") is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : (DateTimeOffset?)null;
        var issues = _issues
            .Where(i => i.Project == project && labels.All(i.Labels.Contains) && (state is null or "all" || i.State == state) && (after is null || i.UpdatedAt >= after))
            .OrderByDescending(i => i.UpdatedAt);
        return FakeAnswer.Json(200, new JsonArray([.. Page(call, issues).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = 70000 + i.Iid,
            ["iid"] = i.Iid,
            ["project_id"] = _projects[project].Id,
            ["title"] = i.Title,
            ["description"] = i.Description,
            ["state"] = i.State,
            ["confidential"] = i.Confidential,
            ["labels"] = new JsonArray([.. i.Labels.Select(l => JsonValue.Create(l))]),
            ["author"] = new JsonObject { ["username"] = i.Author },
            ["web_url"] = new Uri(BaseUri, $"{project}/-/issues/{i.Iid.ToString(CultureInfo.InvariantCulture)}").AbsoluteUri,
            ["updated_at"] = i.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        })]));
    }

    private static IEnumerable<T> Page<T>(ForgeCall call, IEnumerable<T> items)
    {
        var size = int.TryParse(call.QueryValue("per_page"), CultureInfo.InvariantCulture, out var perPage) ? Math.Clamp(perPage, 1, 100) : 20;
        var page = int.TryParse(call.QueryValue("page"), CultureInfo.InvariantCulture, out var number) ? Math.Max(number, 1) : 1;
        return items.Skip((page - 1) * size).Take(size);
    }

    private bool ThreadExists(string project, string noteable, long iid) => noteable == "issues"
        ? _issues.Any(i => i.Project == project && i.Iid == iid)
        : _mergeRequests.Any(m => m.Repository == project && m.Number == iid);

    private static JsonObject NoteJson(FakeGitLabNote note)
    {
        var json = new JsonObject
        {
            ["id"] = note.Id,
            ["type"] = note.Type,
            ["body"] = note.Body,
            ["author"] = note.AuthorIsBot
                ? new JsonObject { ["id"] = 77, ["username"] = note.Author, ["bot"] = true }
                : new JsonObject { ["id"] = 78, ["username"] = note.Author },
            ["created_at"] = note.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["system"] = note.System,
            ["noteable_iid"] = note.Iid,
            ["noteable_type"] = note.Noteable == "issues" ? "Issue" : "MergeRequest",
            ["resolvable"] = note.Type == "DiffNote",
        };
        if (note.Path is not null)
        {
            json["position"] = new JsonObject
            {
                ["base_sha"] = new string('a', 40), ["start_sha"] = new string('b', 40), ["head_sha"] = new string('c', 40),
                ["old_path"] = note.Path, ["new_path"] = note.Path, ["position_type"] = "text",
                ["old_line"] = null, ["new_line"] = note.Line,
            };
        }
        return json;
    }
}
