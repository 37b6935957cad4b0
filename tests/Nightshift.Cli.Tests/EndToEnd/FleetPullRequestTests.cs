using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>
/// A fleet on one PostgreSQL database: `nightshift up --workers 0` (server B, its own data folder) takes the task, and
/// `nightshift worker` (its own data folder) runs it with the real agent and a scripted model. The pull request and
/// its diff come back from server B, which never ran the task and has no file of it: they live in the store.
/// </summary>
public sealed class FleetPullRequestTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private const string Key = "sk-fleet-pull-request-test";

    private ScriptedModelServer _model = null!;

    public async Task InitializeAsync() => _model = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [PostgresFact]
    public async Task Worker_FinishesATaskOnPostgres_AnotherServerOnTheSameDatabaseServesItsDiffAndPullRequest()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a greeting", ("greeting.txt", "hello\n"), (".nightshift.yml", "test: grep -q fleet greeting.txt\n"));
        _model.When(r => !r.Messages.Any(IsToolResult), ScriptedReply.ToolCall("write_file", new { path = "greeting.txt", content = "hello fleet\n" }));
        _model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Greet the fleet\n\nThe greeting names the fleet." });
        var database = await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken());
        var workerData = Directory.CreateTempSubdirectory("ns-fleet-worker-").FullName;

        await using var server = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"], environment: Environment(database, repo.Root));
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TestDefaults.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        var submitted = await http.PostAsJsonAsync("api/v1/tasks", new { repo = repo.RemotePath, instruction = "Make the greeting say fleet." });
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await http.GetAsync($"api/v1/tasks/{id}/diff")).StatusCode.ShouldBe(HttpStatusCode.Conflict, "no pull request before the task ran");

        JsonElement task;
        try
        {
            await using var worker = await WorkerProcess.StartAsync(["worker", "--data", workerData, "--slots", "1"], Environment(database, repo.Root));
            try
            {
                await TestDefaults.WaitUntilAsync(
                    async () => (await TaskAsync(http, id)).GetProperty("status").GetString() is "succeeded" or "failed" or "needs_review" or "dead",
                    "the worker finishes the task");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}\n--- worker\n{worker.Output}", e);
            }
            task = await TaskAsync(http, id);
            task.GetProperty("status").GetString().ShouldBe("succeeded", $"{task}\n--- worker\n{worker.Output}");
        }
        finally
        {
            Directory.Delete(workerData, recursive: true);
        }

        var diff = await http.GetAsync($"api/v1/tasks/{id}/diff");
        diff.StatusCode.ShouldBe(HttpStatusCode.OK);
        diff.Content.Headers.ContentType!.MediaType.ShouldBe("text/x-diff");
        var text = await diff.Content.ReadAsStringAsync();
        text.ShouldContain("+++ b/greeting.txt");
        text.ShouldContain("-hello\n");
        text.ShouldContain("+hello fleet\n");

        var pull = await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{id}/pull-request");
        pull.GetProperty("reference").GetString().ShouldBe(task.GetProperty("pullRequest").GetString());
        pull.GetProperty("forge").GetString().ShouldBe("local");
        pull.GetProperty("branch").GetString().ShouldBe(task.GetProperty("branch").GetString());
        pull.GetProperty("title").GetString().ShouldBe("Greet the fleet");
        pull.GetProperty("body").GetString()!.ShouldContain($"Nightshift-Task: {id}");
        pull.GetProperty("draft").GetBoolean().ShouldBeFalse();
        pull.GetProperty("diffCut").GetBoolean().ShouldBeFalse();
        pull.GetProperty("diffBytes").GetInt64().ShouldBe(System.Text.Encoding.UTF8.GetByteCount(text));
        Directory.Exists(Path.Combine(server.DataDirectory, "forge")).ShouldBeFalse("server B keeps no pull request files");
    }

    private static bool IsToolResult(JsonElement message) => message.TryGetProperty("role", out var role) && role.GetString() == "tool";

    private static async Task<JsonElement> TaskAsync(HttpClient http, string id) =>
        await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{id}");

    private Dictionary<string, string?> Environment(string database, string repoRoot) => new()
    {
        ["NIGHTSHIFT_DB"] = database,
        ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1",
        ["OPENAI_API_KEY"] = Key,
        ["OPENAI_BASE_URL"] = new Uri(_model.BaseUri, "v1/").ToString(),
        ["NIGHTSHIFT__Agent__Planning"] = "never",
        ["NIGHTSHIFT__Repositories__AllowedRoots__0"] = repoRoot,
    };
}
