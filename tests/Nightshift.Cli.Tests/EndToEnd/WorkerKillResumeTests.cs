using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>
/// Three real processes on one data folder (one SQLite store, one workspace folder, one local forge): `nightshift up
/// --workers 0` for the API, then `nightshift worker` A, killed with SIGKILL in the middle of a planned task, then
/// worker B, which takes the task over once A's lease expires and resumes it from the checkpoint. The scripted model
/// (OpenAI protocol on 127.0.0.1) answers by what a request asks for — the plan, or which subtask's build — never by
/// call order; each worker reaches it under its own path prefix so the requests say who sent them.
/// </summary>
public sealed class WorkerKillResumeTests : IAsyncLifetime
{
    private const string Key = "sk-kill-resume-test";

    // schema first; api and docs need it; wire needs both. Built one after another, schema is always first.
    private static readonly (string Id, string[] DependsOn)[] Plan =
    [
        ("schema", []),
        ("api", ["schema"]),
        ("docs", ["schema"]),
        ("wire", ["api", "docs"]),
    ];

    private ScriptedModelServer _model = null!;

    public async Task InitializeAsync() => _model = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task Worker_KilledMidPlan_AnotherWorkerResumesFromTheCheckpoint_WithoutRebuildingFinishedSubtasks_OneBranchOnePullRequest()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a repository whose tests need every subtask's file",
            (".nightshift.yml", "test:\n  - cat " + string.Join(' ', Plan.Select(p => p.Id + ".txt")) + "\n"));
        ScriptModel();

        await using var api = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"], environment: Environment(null, repo.Root));
        using var http = new HttpClient { BaseAddress = api.Url, Timeout = TestDefaults.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        string[] worker = ["worker", "--data", api.DataDirectory, "--slots", "1", "--lease", "3"];

        // Queued before any worker runs, so A claims it as it starts (a worker on SQLite is not woken by another process).
        var submitted = await http.PostAsJsonAsync("api/v1/tasks", new
        {
            repo = repo.RemotePath,
            title = "Add the four parts",
            instruction = "Add schema.txt, api.txt, docs.txt and wire.txt, each in its own subtask.",
        });
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await using (var a = await WorkerProcess.StartAsync(worker, Environment("a", repo.Root)))
        {
            await WaitForEventsAsync(http, id, events => events.Any(e => Is(e, "subtask.completed", "schema")), "worker A completes the first subtask", a);
            // A asking for the next subtask's build means the checkpoint after the first one is stored: A's request
            // hangs (the script never answers A past the first subtask), and A dies while waiting for it.
            await TestDefaults.WaitUntilAsync(() => BuildStarts("a").Any(s => s != "schema"), "worker A asks the model for the next subtask");
            await a.KillAsync();
        }
        // The lease A held runs out without a heartbeat; B starting after that reclaims it on its first claim.
        await TestDefaults.WaitUntilAsync(
            async () => await TaskAsync(http, id) is var shown
                && (shown.GetProperty("status").GetString() != "running"
                    || shown.GetProperty("leaseExpiresAt") is not { ValueKind: JsonValueKind.String } expires
                    || expires.GetDateTimeOffset() <= DateTimeOffset.UtcNow),
            "worker A's lease expires");

        JsonElement task;
        await using (var b = await WorkerProcess.StartAsync(worker, Environment("b", repo.Root)))
        {
            task = await WaitForTerminalAsync(http, id, b);
            task.GetProperty("status").GetString().ShouldBe("succeeded", $"{task}\n--- worker B\n{b.Output}");
        }

        var events = await EventsAsync(http, id);
        var starts = events.Select((e, i) => (e, i)).Where(x => x.e.GetProperty("type").GetString() == "task.started").Select(x => x.i).ToList();
        starts.Count.ShouldBe(2, "A's attempt, then B's");
        var attemptB = events.Skip(starts[1]).ToList();
        attemptB.ShouldContain(e => Is(e, "subtask.skipped", "schema"), "B skips what A finished");
        attemptB.ShouldNotContain(e => Is(e, "subtask.started", "schema"));
        attemptB.ShouldNotContain(e => e.GetProperty("type").GetString() == "plan.partial", "B builds the stored plan instead of planning again");
        foreach (var later in Plan.Skip(1))
        {
            attemptB.Count(e => Is(e, "subtask.completed", later.Id)).ShouldBe(1, $"B builds '{later.Id}' once");
        }

        // What the model saw: one plan, one build of the first subtask (A's), and nothing about it from B.
        _model.Requests.Count(IsPlanRequest).ShouldBe(1);
        BuildStarts("a").Count(s => s == "schema").ShouldBe(1);
        BuildStarts("b").ShouldNotContain("schema");
        _model.Requests.Where(r => r.Path.StartsWith("/b/", StringComparison.Ordinal)).ShouldNotContain(r => CurrentSubtask(r) == "schema");
        BuildStarts("b").Order(StringComparer.Ordinal).ShouldBe(Plan.Skip(1).Select(p => p.Id).Order(StringComparer.Ordinal));

        // One branch, holding every part, with the first subtask's commit once; one pull request.
        var branches = repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/nightshift/")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        branches.ShouldHaveSingleItem().ShouldBe(task.GetProperty("branch").GetString());
        foreach (var (part, _) in Plan)
        {
            repo.RemoteGit("show", $"{branches[0]}:{part}.txt").ShouldBe($"{part}\n");
        }
        // Subjects differ between the sequential and the merging scheduler; the commits that wrote the file do not.
        repo.RemoteGit("log", "--no-merges", "--format=%H", $"main..{branches[0]}", "--", "schema.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ShouldHaveSingleItem("the first subtask was committed once");
        var pull = await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{id}/pull-request");
        pull.GetProperty("reference").GetString().ShouldBe(task.GetProperty("pullRequest").GetString());
        pull.GetProperty("branch").GetString().ShouldBe(branches[0]);
        Directory.Exists(Path.Combine(api.DataDirectory, "forge")).ShouldBeFalse("the pull request lives in the store, not in a data folder");
    }

    /// <summary>Plan, then per subtask: write its file, then finish. A never gets an answer past the first subtask.</summary>
    private void ScriptModel()
    {
        _model.When(IsPlanRequest, ScriptedReply.ToolCall("submit_plan", new
        {
            subtasks = Plan.Select((p, i) => new
            {
                id = p.Id,
                title = Title(p.Id),
                description = $"Write {p.Id}.txt containing the line '{p.Id}'",
                depends_on = p.DependsOn,
                priority = i,
                files = new[] { $"{p.Id}.txt" },
                acceptance = new[] { $"{p.Id}.txt exists" },
            }),
        }));
        _model.When(r => r.Path.StartsWith("/a/", StringComparison.Ordinal) && CurrentSubtask(r) is { } s && s != "schema", ScriptedReply.Hang());
        foreach (var (part, _) in Plan)
        {
            _model.When(r => CurrentSubtask(r) == part && !HasToolResult(r), ScriptedReply.ToolCall("write_file", new { path = $"{part}.txt", content = $"{part}\n" }));
            _model.When(r => CurrentSubtask(r) == part && HasToolResult(r), ScriptedReply.ToolCall("finish", new { summary = $"{Title(part)}\n\nWrote {part}.txt." }));
        }
        _model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Nothing left to do" });
    }

    private static string Title(string id) => char.ToUpperInvariant(id[0]) + id[1..] + " part";

    private static bool IsPlanRequest(ReceivedModelRequest r) => r.Contains("\"submit_plan\"") && !r.Contains("\"edit_file\"");

    /// <summary>The subtask a build request is for (its prompt says "Your subtask now is 'ID'"), else null.</summary>
    private static string? CurrentSubtask(ReceivedModelRequest r)
    {
        if (IsPlanRequest(r))
        {
            return null;
        }
        const string marker = "Your subtask now is '";
        var text = MessageText(r);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var start = at + marker.Length;
        var end = text.IndexOf('\'', start);
        return end < 0 ? null : text[start..end];
    }

    private static bool HasToolResult(ReceivedModelRequest r) =>
        r.Messages.Any(m => m.TryGetProperty("role", out var role) && role.GetString() == "tool");

    /// <summary>The first turn of each subtask's build a worker sent (its prefix: "a" or "b").</summary>
    private List<string> BuildStarts(string worker) =>
        [.. _model.Requests
            .Where(r => r.Path.StartsWith($"/{worker}/", StringComparison.Ordinal) && !HasToolResult(r))
            .Select(CurrentSubtask)
            .OfType<string>()];

    /// <summary>Every string in the request's messages, decoded (prompts are JSON-escaped on the wire).</summary>
    private static string MessageText(ReceivedModelRequest r)
    {
        var text = new StringBuilder();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    text.Append(e.GetString()).Append('\n');
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }
                    break;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        Walk(property.Value);
                    }
                    break;
            }
        }
        foreach (var message in r.Messages)
        {
            Walk(message);
        }
        return text.ToString();
    }

    private static bool Is(JsonElement e, string type, string subtask) =>
        e.GetProperty("type").GetString() == type
        && e.GetProperty("data").TryGetProperty("id", out var id) && id.GetString() == subtask;

    private static async Task<JsonElement> TaskAsync(HttpClient http, string id) =>
        await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{id}");

    private static async Task<List<JsonElement>> EventsAsync(HttpClient http, string id) =>
        [.. (await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{id}/events?after=0&limit=1000")).EnumerateArray()];

    private static async Task WaitForEventsAsync(HttpClient http, string id, Func<List<JsonElement>, bool> condition, string what, WorkerProcess worker)
    {
        try
        {
            await TestDefaults.WaitUntilAsync(async () => condition(await EventsAsync(http, id)), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- events\n{string.Join('\n', (await EventsAsync(http, id)).Select(x => x.GetProperty("type").GetString()))}\n--- worker\n{worker.Output}", e);
        }
    }

    private static async Task<JsonElement> WaitForTerminalAsync(HttpClient http, string id, WorkerProcess worker)
    {
        string[] terminal = ["succeeded", "failed", "cancelled", "timed_out", "needs_review", "dead"];
        await WaitForEventsAsync(http, id, events => events.Any(e => e.GetProperty("type").GetString() is "task.succeeded" or "task.failed" or "task.cancelled" or "task.timed_out" or "task.needs_review" or "task.dead"), "the task ends", worker);
        var task = await TaskAsync(http, id);
        terminal.ShouldContain(task.GetProperty("status").GetString());
        return task;
    }

    /// <summary>The model settings every process gets; each worker reaches the model under its own path prefix.</summary>
    private Dictionary<string, string?> Environment(string? worker, string repoRoot) => new()
    {
        ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1",
        ["OPENAI_API_KEY"] = Key,
        ["OPENAI_BASE_URL"] = new Uri(_model.BaseUri, $"{worker ?? "api"}/v1/").ToString(),
        ["NIGHTSHIFT__Agent__Planning"] = "always",
        // The reclaimed attempt runs at once instead of after the usual retry backoff.
        ["NIGHTSHIFT__Storage__RetryBaseDelay"] = "00:00:00",
        ["NIGHTSHIFT__Repositories__AllowedRoots__0"] = repoRoot,
    };
}
