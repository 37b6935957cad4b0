using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// GitLab webhook payloads in the shapes GitLab's webhook events reference documents (Issue, Note and Pipeline hooks),
/// trimmed of fields Nightshift does not read, each a fresh object a test may change before sending.
/// </summary>
internal static class GitLabSamples
{
    public const string Web = "https://gitlab.example.com";
    public const string ProjectPath = "acme/calc";
    public const string CloneUrl = Web + "/acme/calc.git";
    public const string DiscussionId = "6a9c1750b37d513a43987b574953fceb50b03ce7";

    public static JsonObject Project() => new()
    {
        ["id"] = 15,
        ["name"] = "calc",
        ["description"] = "A calculator",
        ["web_url"] = Web + "/acme/calc",
        ["git_ssh_url"] = "git@gitlab.example.com:acme/calc.git",
        ["git_http_url"] = CloneUrl,
        ["namespace"] = "Acme",
        ["visibility_level"] = 20,
        ["path_with_namespace"] = ProjectPath,
        ["default_branch"] = "main",
    };

    public static JsonObject User(string username = "alice", bool? bot = null)
    {
        var user = new JsonObject { ["id"] = 42, ["name"] = "Alice Liddell", ["username"] = username, ["avatar_url"] = Web + "/uploads/alice.png", ["email"] = "[REDACTED]" };
        if (bot is { } flag)
        {
            user["bot"] = flag;
        }
        return user;
    }

    private static JsonObject Label(string title) => new()
    {
        ["id"] = title.Length + 200, ["title"] = title, ["color"] = "#428BCA", ["project_id"] = 15,
        ["created_at"] = "2026-01-02 03:04:05 UTC", ["updated_at"] = "2026-01-02 03:04:05 UTC", ["template"] = false,
        ["description"] = null, ["type"] = "ProjectLabel", ["group_id"] = null,
    };

    /// <summary>An Issue Hook for issue #23 whose labels changed from <paramref name="previous"/> to <paramref name="current"/>.</summary>
    public static JsonObject LabelledIssue(string[]? previous = null, string[]? current = null, string action = "update", string user = "alice")
    {
        previous ??= ["bug"];
        current ??= ["bug", "nightshift"];
        return new JsonObject
        {
            ["object_kind"] = "issue",
            ["event_type"] = "issue",
            ["user"] = User(user),
            ["project"] = Project(),
            ["object_attributes"] = new JsonObject
            {
                ["id"] = 301,
                ["iid"] = 23,
                ["title"] = "Division by zero crashes the app",
                ["description"] = "Steps: run `calc 1/0`.\nExpected: an error message.",
                ["author_id"] = 51,
                ["project_id"] = 15,
                ["created_at"] = "2026-03-01T10:00:00Z",
                ["updated_at"] = "2026-03-04T12:30:00Z",
                ["state"] = "opened",
                ["confidential"] = false,
                ["url"] = Web + "/acme/calc/-/issues/23",
                ["action"] = action,
                ["labels"] = new JsonArray([.. current.Select(t => (JsonNode)Label(t))]),
            },
            ["labels"] = new JsonArray([.. current.Select(t => (JsonNode)Label(t))]),
            ["changes"] = new JsonObject
            {
                ["updated_at"] = new JsonObject { ["previous"] = "2026-03-01 10:00:00 UTC", ["current"] = "2026-03-04 12:30:00 UTC" },
                ["labels"] = new JsonObject
                {
                    ["previous"] = new JsonArray([.. previous.Select(t => (JsonNode)Label(t))]),
                    ["current"] = new JsonArray([.. current.Select(t => (JsonNode)Label(t))]),
                },
            },
            ["repository"] = new JsonObject { ["name"] = "calc", ["url"] = "git@gitlab.example.com:acme/calc.git", ["homepage"] = Web + "/acme/calc" },
        };
    }

    /// <summary>A Note Hook for a comment on issue #23.</summary>
    public static JsonObject IssueComment(string note = "/nightshift please add a test for this too", string user = "alice") => new()
    {
        ["object_kind"] = "note",
        ["event_type"] = "note",
        ["user"] = User(user),
        ["project_id"] = 15,
        ["project"] = Project(),
        ["object_attributes"] = new JsonObject
        {
            ["id"] = 1241,
            ["note"] = note,
            ["noteable_type"] = "Issue",
            ["author_id"] = 42,
            ["created_at"] = "2026-03-04 12:31:00 UTC",
            ["updated_at"] = "2026-03-04 12:31:00 UTC",
            ["project_id"] = 15,
            ["attachment"] = null,
            ["line_code"] = null,
            ["commit_id"] = "",
            ["noteable_id"] = 92,
            ["system"] = false,
            ["st_diff"] = null,
            ["url"] = Web + "/acme/calc/-/issues/23#note_1241",
            ["action"] = "create",
            ["discussion_id"] = "0e5c2a8f7d1b3c4e5f60718293a4b5c6d7e8f901",
            ["type"] = null,
            ["internal"] = false,
        },
        ["issue"] = new JsonObject
        {
            ["id"] = 92,
            ["iid"] = 23,
            ["title"] = "Division by zero crashes the app",
            ["description"] = "Steps: run `calc 1/0`.",
            ["state"] = "opened",
            ["confidential"] = false,
            ["url"] = Web + "/acme/calc/-/issues/23",
            ["labels"] = new JsonArray(),
        },
    };

    private static JsonObject MergeRequest(long sourceProject = 15) => new()
    {
        ["id"] = 7,
        ["iid"] = 4,
        ["target_branch"] = "main",
        ["source_branch"] = "nightshift/01jtask-fix-division",
        ["source_project_id"] = sourceProject,
        ["target_project_id"] = 15,
        ["author_id"] = 1,
        ["title"] = "Fix division by zero",
        ["description"] = "## Summary\nGuards the divisor.",
        ["state"] = "opened",
        ["merge_status"] = "can_be_merged",
        ["draft"] = false,
        ["work_in_progress"] = false,
        ["url"] = Web + "/acme/calc/-/merge_requests/4",
        ["last_commit"] = new JsonObject { ["id"] = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", ["message"] = "Fix division by zero" },
    };

    /// <summary>A Note Hook for a general comment on merge request !4.</summary>
    public static JsonObject MergeRequestComment(string note = "/nightshift also handle negative zero", long sourceProject = 15)
    {
        var payload = IssueComment(note);
        payload.Remove("issue");
        var attributes = payload["object_attributes"]!.AsObject();
        attributes["noteable_type"] = "MergeRequest";
        attributes["noteable_id"] = 7;
        attributes["url"] = Web + "/acme/calc/-/merge_requests/4#note_1241";
        payload["merge_request"] = MergeRequest(sourceProject);
        return payload;
    }

    /// <summary>A Note Hook for a diff note (review comment) on src/calc.py line 12 of merge request !4.</summary>
    public static JsonObject ReviewComment(string note = "Return an error instead of raising here")
    {
        var payload = MergeRequestComment(note);
        var attributes = payload["object_attributes"]!.AsObject();
        attributes["id"] = 1244;
        attributes["type"] = "DiffNote";
        attributes["discussion_id"] = DiscussionId;
        attributes["line_code"] = "a1b2c3_10_12";
        attributes["url"] = Web + "/acme/calc/-/merge_requests/4#note_1244";
        attributes["position"] = new JsonObject
        {
            ["base_sha"] = "ae73cb07c9eeaf35924a10f713b364d32b2dd34f",
            ["start_sha"] = "ae73cb07c9eeaf35924a10f713b364d32b2dd34f",
            ["head_sha"] = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            ["old_path"] = "src/calc.py",
            ["new_path"] = "src/calc.py",
            ["position_type"] = "text",
            ["old_line"] = null,
            ["new_line"] = 12,
            ["line_range"] = null,
        };
        return payload;
    }

    /// <summary>A Pipeline Hook for a merge request pipeline of !4 with the given job statuses.</summary>
    public static JsonObject FailedPipeline(string status = "failed", bool withMergeRequest = true) => new()
    {
        ["object_kind"] = "pipeline",
        ["object_attributes"] = new JsonObject
        {
            ["id"] = 31,
            ["iid"] = 3,
            ["name"] = null,
            ["ref"] = "nightshift/01jtask-fix-division",
            ["tag"] = false,
            ["sha"] = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            ["source"] = "merge_request_event",
            ["status"] = status,
            ["detailed_status"] = status,
            ["stages"] = new JsonArray("build", "test"),
            ["created_at"] = "2026-03-04 12:40:00 UTC",
            ["finished_at"] = "2026-03-04 12:45:10 UTC",
            ["duration"] = 310,
            ["url"] = Web + "/acme/calc/-/pipelines/31",
        },
        ["merge_request"] = withMergeRequest ? MergeRequest() : null,
        ["user"] = User("nightshift-bot"),
        ["project"] = Project(),
        ["commit"] = new JsonObject { ["id"] = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", ["message"] = "Fix division by zero", ["author"] = new JsonObject { ["name"] = "Nightshift", ["email"] = "[REDACTED]" } },
        ["builds"] = new JsonArray(
            Build(380, "lint", "test", "failed", allowFailure: true, "script_failure"),
            Build(379, "build", "build", "success", allowFailure: false, null),
            Build(382, "unit-tests", "test", "failed", allowFailure: false, "script_failure"),
            Build(381, "integration", "test", "failed", allowFailure: false, "script_failure")),
    };

    private static JsonObject Build(long id, string name, string stage, string status, bool allowFailure, string? reason) => new()
    {
        ["id"] = id,
        ["stage"] = stage,
        ["name"] = name,
        ["status"] = status,
        ["created_at"] = "2026-03-04 12:40:00 UTC",
        ["started_at"] = "2026-03-04 12:40:05 UTC",
        ["finished_at"] = "2026-03-04 12:45:00 UTC",
        ["duration"] = 295.5,
        ["queued_duration"] = 1.2,
        ["failure_reason"] = reason,
        ["when"] = "on_success",
        ["manual"] = false,
        ["allow_failure"] = allowFailure,
        ["user"] = User("nightshift-bot"),
        ["runner"] = new JsonObject { ["id"] = 380987, ["description"] = "shared-runners", ["active"] = true, ["is_shared"] = true },
        ["artifacts_file"] = new JsonObject { ["filename"] = null, ["size"] = null },
        ["environment"] = null,
    };

    public static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}
