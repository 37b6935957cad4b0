// Platform overhead per agent step (then whole tasks per minute, see EndToEnd.cs) with a zero-latency scripted model: the agent loop (argument checks, tool dispatch,
// context bookkeeping) plus the events and usage it writes to a real SQLite store, beside the bare tool calls alone.
// Modes: `dotnet run -c Release --project bench/Nightshift.Bench.Agent -- [STEPS]` (both), `-- e2e [N]` (tasks per minute),
// `-- plan [N]` (task start to the first plan.partial, N tasks, default 20; see FirstPlan.cs), `-- disk [FILES]` (one
// limits.task.disk check on a tree of FILES files, default 100000, beside du; see DiskWalk.cs).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Bench.Agent;
using Nightshift.Core.Tasks;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.Storage;
using Nightshift.TestKit.Models;

// `e2e [N]` measures whole tasks per minute only; `plan [N]` task start to the first plan.partial only (FirstPlan.cs);
// otherwise the step overhead is measured first, then whole tasks per minute.
if (args.Length > 0 && args[0] == "e2e")
{
    await EndToEnd.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12);
    return;
}
if (args.Length > 0 && args[0] == "plan")
{
    await FirstPlan.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
    return;
}
if (args.Length > 0 && args[0] == "disk")
{
    await DiskWalk.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);
    return;
}
var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 400;
var root = Directory.CreateTempSubdirectory("ns-bench-agent-").FullName;
try
{
    var repo = Path.Combine(root, "repo");
    Directory.CreateDirectory(Path.Combine(repo, "src"));
    for (var i = 0; i < 200; i++)
    {
        File.WriteAllText(Path.Combine(repo, "src", $"file{i}.js"), string.Join('\n', Enumerable.Range(0, 120).Select(l => $"export const v{l} = {l}; // line {l} of file {i}")) + "\n");
    }
    File.WriteAllText(Path.Combine(repo, "src", "target.js"), "export const answer = 41;\n");

    // The step mix of a typical session: look around, read, search, edit back and forth.
    (string Tool, object Args)[] script =
    [
        ("list_files", new { pattern = "src/*.js" }),
        ("read_file", new { path = "src/file7.js", start_line = 1, end_line = 60 }),
        ("search", new { pattern = "line 42 of file 1\\b" }),
        ("edit_file", new { path = "src/target.js", old_string = "answer = 41", new_string = "answer = 42" }),
        ("edit_file", new { path = "src/target.js", old_string = "answer = 42", new_string = "answer = 41" }),
    ];
    (string Tool, object Args) Step(int n) => script[n % script.Length];

    var none = new NoCommands();
    var context = new ToolContext(new Worktree(repo), none, none);
    var tools = ToolBox.BuildTools().ToDictionary(t => t.Name);

    // Baseline: the same tool calls, executed directly.
    var baseline = new List<double>();
    for (var i = 0; i < steps; i++)
    {
        var (tool, arguments) = Step(i);
        var raw = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments));
        var parsed = ToolArgumentParser.Parse(tool, tools[tool].Parameters, raw);
        var started = Stopwatch.GetTimestamp();
        await tools[tool].ExecuteAsync(parsed, context, CancellationToken.None);
        baseline.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The loop, with every event and usage record written to SQLite (synchronous=FULL) through a lease.
    await using var store = await StoreFactory.OpenAsync(Path.Combine(root, "data"), null, TimeProvider.System);
    await store.SubmitAsync(new NewTask { Repo = repo, Instruction = "benchmark", Source = "bench" }.Validated());
    var lease = await store.TryClaimAsync(new ClaimRequest("bench", TimeSpan.FromMinutes(30))) ?? throw new InvalidOperationException("nothing to claim");
    var run = new StoreRun(lease, store);
    var marks = new List<long>();
    var model = new ScriptedChatClient
    {
        Responder = call =>
        {
            marks.Add(Stopwatch.GetTimestamp());
            if (call.Number > steps)
            {
                return ScriptedChatClient.ToolCalls(("finish", new { summary = "done" }, $"f{call.Number}"));
            }
            var (tool, arguments) = Step(call.Number - 1);
            var response = ScriptedChatClient.ToolCalls((tool, arguments, $"c{call.Number}"));
            response.Usage = new UsageDetails { InputTokenCount = 2_000, OutputTokenCount = 60 };
            return response;
        },
    };
    var budget = new BudgetTracker(new AgentBudget { MaxSteps = steps + 5, ContextTokens = 60_000 }, TimeProvider.System);
    var observer = new RunObserver(run, "build");
    var meter = new ModelUsageMeter(UsageMeter.Default, ModelSpec.Parse("openai/gpt-4.1"));
    var loop = new AgentLoop(model, ToolBox.BuildTools(), context, observer, meter, budget, TimeProvider.System);
    List<ChatMessage> conversation = [new(ChatRole.System, "bench"), new(ChatRole.User, "bench")];
    await loop.RunAsync(conversation, 2, CancellationToken.None);

    var perStep = marks.Zip(marks.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Take(steps).ToList();
    Report("bare tool call (baseline)", baseline);
    Report("agent step: loop + tool + events/usage in SQLite", perStep);
    var ratio = Percentile(perStep, 50) / Math.Max(Percentile(baseline, 50), 0.0001);
    var overhead = Percentile(perStep, 50) - Percentile(baseline, 50);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"platform overhead per step (median, beyond the tool itself): {overhead:0.00} ms; ratio to the bare tool call: {ratio:0.0}x"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"goal: median and p95 < 50 ms per step -> {(Percentile(perStep, 50) < 50 && Percentile(perStep, 95) < 50 ? "met" : "NOT met")}"));
    var events = await store.ReadEventsAsync(lease.TaskId, 0, 10_000);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"events written: {events.Count} ({events.Count / (double)steps:0.0} per step)"));
}
finally
{
    Directory.Delete(root, recursive: true);
}
await EndToEnd.RunAsync(12);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static void Report(string name, List<double> values) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-50} n={values.Count,4}  p50 {Percentile(values, 50),7:0.000} ms  p95 {Percentile(values, 95),7:0.000} ms"));

internal sealed class NoCommands : ICommandRunner, IDiffSource
{
    public Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the benchmark runs no commands");

    public Task<string> GetDiffAsync(CancellationToken cancellationToken = default) => Task.FromResult("");
}
