using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Demo;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Models.Fallback;
using Nightshift.Models.Recording;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Demo;

/// <summary>
/// The demo's recorded session, replayed through the real executor: real git, the real sandbox and the real verifier
/// decide whether the recorded fix works. Set NIGHTSHIFT_WRITE_DEMO_SESSION to a path to record the session anew
/// (from the scripted model below) after changing the demo project or the agent's prompts.
/// </summary>
public sealed class DemoSessionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ns-demo-").FullName;

    [Fact]
    public async Task RecordedSession_ReplayedOnTheDemoProject_FixesTheBugAndTheRealTestsPass()
    {
        var repo = Path.Combine(_root, "shop");
        await DemoProject.CreateAsync(repo);
        // Replay reads only from Models:ReplayDirectory, by default the data folder's replay folder.
        var model = await DemoSession.ExtractAsync(Path.Combine(_root, "data", "replay", "session.jsonl"));
        using var services = Services(repo, models: null);
        var run = new RecordingRun(Task(repo) with { Model = model });

        var outcome = await services.GetRequiredService<ITaskExecutor>().ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        GitCli.Run(repo, "show", $"{outcome.Branch}:src/cart.mjs").ShouldContain("discountPercent / 100");
        GitCli.Run(repo, "rev-parse", "--abbrev-ref", "HEAD").Trim().ShouldBe("main");
        run.Types.ShouldContain("verify.passed");
        run.Usage.Calls.ShouldBe(5);
        run.Usage.CostComplete.ShouldBeFalse();
    }

    [Fact]
    public async Task DemoProject_BeforeTheFix_HasExactlyOneFailingTest()
    {
        var repo = Path.Combine(_root, "shop");
        await DemoProject.CreateAsync(repo);

        var start = new System.Diagnostics.ProcessStartInfo("node", ["--test"]) { WorkingDirectory = repo, RedirectStandardOutput = true };
        using var node = System.Diagnostics.Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync(TestDefaults.TimeoutToken());
        await node.WaitForExitAsync(TestDefaults.TimeoutToken());

        node.ExitCode.ShouldNotBe(0);
        Nightshift.Agent.Verification.FailingTests.Parse(output).ShouldBe(["a 10% discount takes a tenth off"]);
    }

    [Fact]
    public async Task WriteSession_WhenAsked_RecordsTheScriptedSession()
    {
        var target = Environment.GetEnvironmentVariable("NIGHTSHIFT_WRITE_DEMO_SESSION");
        if (string.IsNullOrEmpty(target))
        {
            return;
        }
        var repo = Path.Combine(_root, "shop");
        await DemoProject.CreateAsync(repo);
        File.Delete(target);
        using (var writer = new CassetteWriter(target))
        {
            var recorder = new RecordingChatClient(Script(), writer, new ModelSpec("scripted", "nightshift-demo"));
            using var services = Services(repo, new FixedModels(recorder));
            var outcome = await services.GetRequiredService<ITaskExecutor>().ExecuteAsync(new RecordingRun(Task(repo)), TestDefaults.TimeoutToken());
            outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        }
    }

    private static ScriptedChatClient Script() => new ScriptedChatClient()
        .Then(Say("I'll look at the project layout first.", 2_150, 41, ("list_files", new { })))
        .Then(Say("The cart logic is in src/cart.mjs; let me read it and its tests.", 2_390, 63,
            ("read_file", new { path = "src/cart.mjs" }), ("read_file", new { path = "test/cart.test.mjs" })))
        .Then(Say("total() subtracts discountPercent as an amount instead of a percentage of the subtotal. I'll apply it as a percentage.", 3_310, 118,
            ("edit_file", new { path = "src/cart.mjs", old_string = "  return roundCents(sum - discountPercent);", new_string = "  return roundCents(sum * (1 - discountPercent / 100));" })))
        .Then(Say("Let me review the change.", 3_480, 22, ("git_diff", new { })))
        .Then(Say(null, 3_760, 96, ("finish", new
        {
            summary = "Apply the cart discount as a percentage\n\ntotal() subtracted discountPercent from the subtotal as if it were an amount, so a 10% discount on 200.00 gave 190.00. It now takes discountPercent percent of the subtotal, rounded to cents as before.",
        })));

    private static Func<ScriptedChatCall, ChatResponse> Say(string? text, int input, int output, params (string Tool, object Arguments)[] calls) => call =>
    {
        var contents = new List<AIContent>();
        if (text is not null)
        {
            contents.Add(new TextContent(text));
        }
        var n = 0;
        foreach (var (tool, arguments) in calls)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(arguments);
            contents.Add(new FunctionCallContent($"call_{call.Number}_{++n}", tool,
                System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(json)));
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ModelId = "nightshift-demo",
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = input / 2 },
        };
    };

    private static TaskRecord Task(string repo) => new()
    {
        Id = TaskId.New(TimeProvider.System),
        Repo = repo,
        Instruction = DemoProject.Instruction,
        Title = DemoProject.Title,
        Status = TaskState.Running,
    };

    private ServiceProvider Services(string repo, IAgentModels? models)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Workspaces:DataDirectory"] = Path.Combine(_root, "data"),
            ["Repositories:AllowedRoots:0"] = _root,
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddNightshiftAgent();
        if (models is not null)
        {
            services.AddSingleton(models);
        }
        return services.BuildServiceProvider();
    }

    private sealed class FixedModels(IChatClient client) : IAgentModels
    {
        public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) =>
            new(client, new ModelUsageMeter(UsageMeter.Default, new ModelSpec("scripted", "nightshift-demo")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
