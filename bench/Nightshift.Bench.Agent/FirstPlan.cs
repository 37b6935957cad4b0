using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Planning;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Bench.Agent;

/// <summary>
/// Task start to the first <c>plan.partial</c> (the first subtask a person can see), through the real worker and agent
/// executor on a real SQLite store, with planning forced and an in-process zero-latency scripted model whose plan-agent
/// answer is one submit_plan call of four subtasks. Tasks ask for plan approval, so each attempt ends once the plan is
/// ready and the figure is not diluted by building. Measured from the executor's start (Stopwatch on the event stream)
/// beside a baseline from the same runs — start to <c>workspace.ready</c> (the worktree alone) — and, as a cross-check,
/// from the stored <c>task.started</c> event (the claim) to the stored first <c>plan.partial</c> (millisecond times).
/// The first task runs apart (cold mirror, cold repository map); the figures are for the warm tasks after it. Then the
/// same on a repository whose tests take about 5 s, with the baseline run beside the plan agent (the default) and, as
/// the baseline measured in the same run, before planning (<c>Agent:BaselineWhilePlanning</c> off, the old order).
/// Run: <c>dotnet run -c Release --project bench/Nightshift.Bench.Agent -- plan [N]</c> (N tasks, default 20).
/// </summary>
internal static class FirstPlan
{
    private const int SourceFiles = 400;

    /// <summary>How long the slow repository's tests take: its baseline run would hold the first plan request that long if it ran first.</summary>
    private const string SlowTests = "sleep 5";

    public static async Task RunAsync(int tasks)
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a generated project", [.. GeneratedFiles()]);
        Console.WriteLine($"task start → first plan.partial: {tasks} tasks (+1 cold), one worker slot, {SourceFiles + 2}-file repository, planning forced, in-process zero-latency model, on {Environment.ProcessorCount} cores");
        var plain = await MeasureAsync(repo, tasks, baselineWhilePlanning: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  cold task: workspace.ready {plain.Cold.Until(EventTypes.WorkspaceReady):0.0} ms, first plan.partial {plain.Cold.Until(EventTypes.PlanPartial):0.0} ms"));
        var ready = plain.Warm.Select(r => r.Until(EventTypes.WorkspaceReady) ?? throw Missing(r.TaskId, EventTypes.WorkspaceReady)).ToList();
        var partial = FirstPartial(plain);
        Report("executor start → workspace.ready (baseline)", ready);
        Report("executor start → first plan.partial", partial);
        Report("  of which workspace.ready → first plan.partial", [.. partial.Zip(ready, (p, r) => p - r)]);
        Report("task.started → first plan.partial (stored times)", plain.Stored);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio first plan.partial / workspace.ready: p50 {Percentile(partial, 50) / Percentile(ready, 50):0.00}x, p95 {Percentile(partial, 95) / Percentile(ready, 95):0.00}x"));

        // The same project with tests that take about 5 s: the baseline run beside the plan agent, against the old order
        // (Agent:BaselineWhilePlanning off: the tests first, then planning) measured in this same run.
        using var slow = TempGitRepo.Create();
        slow.Commit("a generated project with slow tests", [.. GeneratedFiles(), (".nightshift.yml", $"test: {SlowTests}\nnetwork: off\n")]);
        var slowTasks = Math.Max(5, tasks / 2);
        Console.WriteLine($"task start → first plan.partial on the repository whose tests take about 5 s (`{SlowTests}`): {slowTasks} tasks (+1 cold) each way");
        var beside = FirstPartial(await MeasureAsync(slow, slowTasks, baselineWhilePlanning: true));
        var before = FirstPartial(await MeasureAsync(slow, slowTasks, baselineWhilePlanning: false));
        Report("baseline beside the plan agent (default)", beside);
        Report("baseline before planning (old order, baseline)", before);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio beside / before: p50 {Percentile(beside, 50) / Percentile(before, 50):0.00}x, p95 {Percentile(beside, 95) / Percentile(before, 95):0.00}x; goal p95 ≤ 1000 ms beside the plan agent -> {(Percentile(beside, 95) <= 1_000 ? "met" : "NOT met")}"));
    }

    /// <summary>Runs one cold task, then <paramref name="tasks"/> warm ones, through a worker of its own on <paramref name="repo"/>.</summary>
    private static async Task<Measured> MeasureAsync(TempGitRepo repo, int tasks, bool baselineWhilePlanning)
    {
        var model = new ScriptedChatClient { Responder = Answer };
        var data = Directory.CreateTempSubdirectory("ns-bench-plan-").FullName;
        try
        {
            TimingExecutor? timing = null;
            var options = new NightshiftServerOptions
            {
                DataDirectory = data,
                WorkerSlots = 1,
                RunWorker = true,
                WriteConsoleMessages = false,
                PollInterval = TimeSpan.FromMilliseconds(100),
            };
            using var host = NightshiftHost.BuildWorker(options, services =>
            {
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
                services.PostConfigure<RepositoryOptions>(o => o.AllowedRoots.Add(repo.Root));
                services.PostConfigure<AgentOptions>(o =>
                {
                    o.Planning = PlanningMode.Always;
                    o.BaselineWhilePlanning = baselineWhilePlanning;
                });
                services.AddSingleton<IAgentModels>(new ScriptedAgentModels(model));
                services.AddSingleton<ITaskExecutor>(sp => timing = new TimingExecutor(ActivatorUtilities.CreateInstance<AgentTaskExecutor>(sp)));
            });
            await host.StartAsync();
            var store = host.Services.GetRequiredService<INightshiftStore>();
            var cold = await RunAllAsync(store, repo, 1);
            var warm = await RunAllAsync(store, repo, tasks);
            var stored = new List<double>();
            foreach (var id in warm)
            {
                stored.Add(await StoredSpanAsync(store, id));
            }
            await host.StopAsync();
            var runs = timing!.Runs.ToDictionary(r => r.TaskId, StringComparer.Ordinal);
            return new Measured(runs[cold[0]], [.. warm.Select(id => runs[id])], stored);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static List<double> FirstPartial(Measured measured) =>
        [.. measured.Warm.Select(r => r.Until(EventTypes.PlanPartial) ?? throw Missing(r.TaskId, EventTypes.PlanPartial))];

    /// <summary>The plan agent's tools include submit_plan: plan at once. Anything else (no build runs here) just finishes.</summary>
    private static ChatResponse Answer(ScriptedChatCall call)
    {
        if (call.Options?.Tools?.Any(t => t.Name == "submit_plan") == true)
        {
            return ScriptedChatClient.ToolCalls(("submit_plan", new
            {
                subtasks = new[]
                {
                    Subtask("model", "Add the data model", []),
                    Subtask("store", "Persist the model", ["model"]),
                    Subtask("api", "Expose it over the API", ["model"]),
                    Subtask("docs", "Document the API", ["store", "api"]),
                },
            }, $"plan_{call.Number}"));
        }
        return ScriptedChatClient.ToolCalls(("finish", new { summary = "done" }, $"finish_{call.Number}"));
    }

    private static object Subtask(string id, string title, string[] dependsOn) => new
    {
        id,
        title,
        description = title + " in src/",
        depends_on = dependsOn,
        priority = 0,
        files = new[] { $"src/{id}.js" },
        acceptance = new[] { "the tests pass" },
    };

    /// <summary>A project the repository map has something to do on: modules with exports, imports and leading comments.</summary>
    private static IEnumerable<(string Path, string Content)> GeneratedFiles()
    {
        for (var i = 0; i < SourceFiles; i++)
        {
            var imports = i == 0 ? "" : $"import {{ value{i - 1} }} from './module{i - 1}.js';\n";
            yield return ($"src/module{i}.js",
                $"// Module {i}: part of the generated benchmark project.\n{imports}export function value{i}(x) {{\n  return x + {i};\n}}\n\nexport class Thing{i} {{\n  size() {{ return {i}; }}\n}}\n");
        }
        yield return ("AGENTS.md", "Keep modules small.\n");
        yield return ("package.json", "{ \"name\": \"bench\", \"type\": \"module\" }\n");
    }

    private static async Task<List<string>> RunAllAsync(INightshiftStore store, TempGitRepo repo, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var submitted = await store.SubmitAsync(new NewTask
            {
                Repo = repo.RemotePath,
                Instruction = $"Add a data model, persist it, expose it over the API and document it (run {i})",
                RequirePlanApproval = true,
                Source = "bench",
            });
            ids.Add(submitted.Task.Id);
        }
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 600);
        foreach (var id in ids)
        {
            while (true)
            {
                var task = await store.FindAsync(id) ?? throw new InvalidOperationException($"task {id} vanished");
                if (task.Status == TaskState.AwaitingApproval)
                {
                    break;
                }
                if (task.Status.IsTerminal())
                {
                    throw new InvalidOperationException($"task {id} ended {task.Status.ToWire()} before its plan was ready: {task.LastError}");
                }
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException("the plans were not ready within 10 minutes");
                }
                await Task.Delay(20);
            }
        }
        return ids;
    }

    private static async Task<double> StoredSpanAsync(INightshiftStore store, string id)
    {
        var events = await store.ReadEventsAsync(id, 0, 1_000);
        var started = events.First(e => e.Type == EventTypes.TaskStarted).Time;
        var partial = events.First(e => e.Type == EventTypes.PlanPartial).Time;
        return (partial - started).TotalMilliseconds;
    }

    private static InvalidOperationException Missing(string id, string type) => new($"task {id} wrote no {type} event");

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static void Report(string name, List<double> values) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-50} n={values.Count,3}  p50 {Percentile(values, 50),8:0.0} ms  p95 {Percentile(values, 95),8:0.0} ms"));

    private sealed record Measured(RunMarks Cold, List<RunMarks> Warm, List<double> Stored);
}
