using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Loop;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Core.Usage;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.Server.Pipelines;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>
/// Issue 24's pipeline end to end on the server <c>nightshift up</c> runs: lint → (fix if <c>error_count &gt; 0</c>) →
/// test → one pull request, read from the repository's <c>.nightshift/pipelines/</c>, on a real repository with a bare
/// remote: real commands in the real sandbox, the real agent with a scripted model, the local forge.
/// </summary>
public sealed class PipelineEndToEndTests : IAsyncLifetime
{
    private const string Buggy = "export function add(a, b) {\n  return a - b;\n}\n";
    private const string Fixed = "export function add(a, b) {\n  return a + b;\n}\n";
    private const string Test = "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './calc.mjs';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n";

    // Counts the subtractions in add(); the last line is the step's output.
    private const string Lint = """
        n=$(grep -c 'return a - b' calc.mjs)
        if [ "$n" -gt 0 ]; then errors="calc.mjs:2: add() subtracts"; else errors=""; fi
        echo "checked calc.mjs"
        printf '{"error_count": %s, "errors": "%s"}\n' "$n" "$errors"
        """;

    private const string Pipeline = """
        name: lint-fix-test
        description: Lint, fix what lint finds, test
        steps:
          lint:
            run: sh lint.sh
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors: {{steps.lint.output.errors}}"
          test:
            depends_on: [fix]
            run: node --test
        """;

    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly TempDirectory _data = new();
    private readonly List<string> _instructions = [];
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = new { Agent = new { Planning = "Never" } };
        await File.WriteAllTextAsync(Path.Combine(_data.Path, "appsettings.json"), JsonSerializer.Serialize(settings));
        var model = new ScriptedChatClient { Responder = Respond };
        _server = await RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = true;
                o.AllowedRepositoryRoots = [_repo.Root];
            },
            s =>
            {
                s.AddSingleton<IAgentModels>(new ScriptedModels(model));
                s.Configure<PipelineOptions>(p => p.PollInterval = TimeSpan.FromMilliseconds(200));
            },
            _data.Path);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
        _repo.Dispose();
    }

    [Fact]
    public async Task Run_LintFindsErrors_FixCommitsTestPassesAndOnePullRequestHoldsTheFix()
    {
        Commit(Buggy);

        var run = await StartAndWaitAsync();

        run.State.ShouldBe(RunState.Succeeded, run.Reason);
        var steps = await _server.Store.ListStepsAsync(run.Id);
        steps.Select(s => (s.Name, s.State)).ShouldBe([("lint", StepState.Succeeded), ("fix", StepState.Succeeded), ("test", StepState.Succeeded), ("pull-request", StepState.Succeeded)]);
        steps[0].Output.ShouldBe("""{"error_count":1,"errors":"calc.mjs:2: add() subtracts"}""");
        _instructions.ShouldContain(i => i.Contains("Fix these lint errors: calc.mjs:2: add() subtracts", StringComparison.Ordinal));
        _repo.RemoteGit("show", $"{run.Branch}:calc.mjs").ShouldBe(Fixed);
        run.Yaml.ShouldBe(Pipeline);
        run.PullRequest.ShouldNotBeNull();
        var tasks = (await _server.Store.ListAsync(new TaskQuery(Limit: 100))).Items;
        tasks.Count.ShouldBe(4);
        var prTask = tasks.Single(t => t.RunStep!.Kind == RunTaskKind.PullRequest);
        var pull = (await _server.Store.FindPullRequestAsync(prTask.Id)).ShouldNotBeNull();
        pull.Reference.ShouldBe(run.PullRequest);
        pull.Title.ShouldBe("lint-fix-test: Lint, fix what lint finds, test");
        pull.Diff.ShouldNotBeNull().ShouldContain("+  return a + b;");
        pull.Draft.ShouldBeFalse();
    }

    [Fact]
    public async Task Run_LintClean_SkipsFixWithTheReasonAndOpensNoPullRequest()
    {
        Commit(Fixed);

        var run = await StartAndWaitAsync();

        run.State.ShouldBe(RunState.Succeeded, run.Reason);
        var steps = await _server.Store.ListStepsAsync(run.Id);
        steps.Select(s => (s.Name, s.State)).ShouldBe([("lint", StepState.Succeeded), ("fix", StepState.Skipped), ("test", StepState.Succeeded)]);
        steps[1].Reason.ShouldBe("condition `steps.lint.output.error_count > 0` is false (steps.lint.output.error_count = 0)");
        _instructions.ShouldBeEmpty();
        run.PullRequest.ShouldBeNull();
        (await _server.Store.ListAsync(new TaskQuery(Limit: 100))).Items.Count.ShouldBe(2);
    }

    private void Commit(string calc) => _repo.Commit(
        "calculator, its test, lint and the pipeline",
        ("calc.mjs", calc), ("calc.test.mjs", Test), ("lint.sh", Lint + "\n"),
        (".nightshift.yml", "test: node --test\nnetwork: off\n"),
        (".nightshift/pipelines/lint-fix-test.yml", Pipeline));

    private async Task<RunRecord> StartAndWaitAsync()
    {
        var (run, _) = await _server.Store.CreateRunAsync(new NewRun { Pipeline = "lint-fix-test", Repo = _repo.RemotePath, BaseBranch = "main", Trigger = "cli" }, []);
        RunRecord? ended = null;
        // A whole run takes seconds; three minutes leaves room for a machine under load.
        await TestDefaults.WaitUntilAsync(async () =>
        {
            ended = await _server.Store.FindRunAsync(OrgIds.Default, run.Id);
            return ended!.State.IsFinished();
        }, $"run {run.Id} ends", TimeSpan.FromMinutes(3));
        return ended!;
    }

    /// <summary>The fix step's agent writes the fixed file, then finishes.</summary>
    private ChatResponse Respond(ScriptedChatCall call)
    {
        if (call.LastMessage.Role == ChatRole.Tool)
        {
            return ScriptedChatClient.ToolCalls(("finish", new { summary = "Fix add()" }, $"fin_{call.Number}"));
        }
        lock (_instructions)
        {
            _instructions.Add(string.Join("\n", call.Messages.Select(m => m.Text)));
        }
        return ScriptedChatClient.ToolCalls(("write_file", new { path = "calc.mjs", content = Fixed }, $"write_{call.Number}"));
    }

    private sealed class ScriptedModels(IChatClient model) : IAgentModels
    {
        public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) => new(new NonDisposing(model), new Meter());
    }

    private sealed class Meter : IUsageMeter
    {
        private static readonly ModelSpec Spec = ModelSpec.Parse("openai/gpt-4.1");

        public UsageRecord Measure(ChatResponse response) => UsageMeter.Default.Measure(response, Spec);
    }

    private sealed class NonDisposing(IChatClient inner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
