using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>
/// The model part against the real engine, without faults: one task of each kind through `nightshift up` and one
/// `nightshift worker` on PostgreSQL, submitted and steered by the driver, answered by the fleet's model. Shows the
/// model speaks what the engine asks (plan, builds in parallel, finish), the ModelFailure task is retried and then
/// succeeds, the Approval task is approved, the Cancel task ends, and every delivered branch passes the test.
/// </summary>
public sealed class FleetWorkloadEndToEndTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [PostgresFact]
    public async Task OneOfEachKind_OnARealWorker_EndsAsScripted()
    {
        var root = Directory.CreateTempSubdirectory("ns-fleet-model-e2e-").FullName;
        try
        {
            await RunAsync(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task RunAsync(string root)
    {
        var repos = Path.Combine(root, "repos");
        var remotes = FleetRepositories.Create(repos, 2);
        var specs = FleetWorkload.Generate(seed: 5, count: 5, [.. remotes.Values]);
        await using var model = await FleetModel.StartAsync();
        model.Register(specs);
        var database = await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken());

        await using var server = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"], environment: Environment(model, "api", database, repos));
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TestDefaults.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        var log = new StringWriter();
        IReadOnlyList<FleetTask> tasks;
        await using (var worker = await WorkerProcess.StartAsync(
            ["worker", "--db", database, "--data", Path.Combine(root, "w1"), "--slots", "3", "--lease", "10"], Environment(model, "w1", database, repos)))
        {
            tasks = await new FleetDriver(http, log) { Progress = TimeSpan.FromSeconds(5) }
                .RunAsync(specs, maxInFlight: 5, DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
            var context = $"--- driver\n{log}\n--- worker\n{worker.Output}\n--- model\n{string.Join('\n', model.Calls)}";
            tasks.Count.ShouldBe(5, context);
            foreach (var task in tasks)
            {
                var expected = task.Spec.Kind == FleetTaskKind.Cancel ? new[] { "cancelled", "succeeded" } : ["succeeded"];
                expected.ShouldContain(task.FinalStatus, $"{task.Spec.Marker} ({task.Spec.Kind})\n{context}");
            }
        }

        var calls = model.Calls;
        calls.ShouldNotContain(c => c.Kind == ModelCallKind.Other || c.Marker == null, "every request the engine sent was placed:\n" + string.Join('\n', calls));
        calls.Select(c => c.Worker).Distinct().ShouldBe(["w1"]);
        var failing = tasks.Single(t => t.Spec.Kind == FleetTaskKind.ModelFailure);
        calls.Where(c => c.Marker == failing.Spec.Marker && c.Kind == ModelCallKind.Plan).Select(c => c.Status).ShouldBe([400, 200]);
        var events = await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{failing.Id}/events?after=0&limit=1000");
        events.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "task.started").ShouldBe(2, "the failed attempt, then the one that succeeds");
        events.EnumerateArray().ShouldContain(e => e.GetProperty("type").GetString() == "task.retrying");
        tasks.Single(t => t.Spec.Kind == FleetTaskKind.Approval).ApprovedAt.ShouldNotBeNull();
        tasks.Single(t => t.Spec.Kind == FleetTaskKind.Cancel).CancelRequestedAt.ShouldNotBeNull();

        foreach (var task in tasks.Where(t => t.FinalStatus == "succeeded"))
        {
            var shown = await http.GetFromJsonAsync<JsonElement>($"api/v1/tasks/{task.Id}");
            var branch = shown.GetProperty("branch").GetString()!;
            foreach (var subtask in task.Spec.Subtasks)
            {
                var file = GitCli.Run(task.Spec.Repository, "show", $"{branch}:{task.Spec.Marker}-{subtask.Id}.txt").Split('\n');
                file[0].ShouldBe($"{task.Spec.Marker}-{subtask.Id}");
                var stamp = file[1]["stamp ".Length..];
                calls.ShouldContain(c => c.Stamp == stamp && c.Kind == ModelCallKind.BuildStart && c.Marker == task.Spec.Marker && c.Subtask == subtask.Id);
            }
        }
    }

    private static Dictionary<string, string?> Environment(FleetModel model, string label, string database, string repos) => new()
    {
        ["NIGHTSHIFT_DB"] = database,
        ["NIGHTSHIFT_MODEL"] = FleetModel.ModelName,
        ["OPENAI_API_KEY"] = FleetModel.ApiKey,
        ["OPENAI_BASE_URL"] = model.BaseUriFor(label).ToString(),
        ["NIGHTSHIFT__Agent__Planning"] = "always",
        ["NIGHTSHIFT__Storage__RetryBaseDelay"] = "00:00:00",
        ["NIGHTSHIFT__Repositories__AllowedRoots__0"] = repos,
    };
}
