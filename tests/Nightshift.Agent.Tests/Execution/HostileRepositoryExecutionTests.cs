using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;
using static Nightshift.Agent.Tests.Execution.PlannedRuns;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// Hostile repositories through the real executor (real git, real bubblewrap, a scripted model): what the host reads
/// of a worktree cannot hang or exhaust the worker, and a tool that fails leaves the task to the model.
/// </summary>
public sealed class HostileRepositoryExecutionTests
{
    [Fact]
    public async Task ExecuteAsync_PackageJsonAndAgentsMdLinkedToDevZero_DetectsTheTestsAndFinishesInSeconds()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });
        using var harness = new ExecutorHarness(model);
        // No test command in .nightshift.yml: verification detection has to look at the repository's own files.
        harness.Repo.Commit("no test command", (".nightshift.yml", "network: off\n"));
        File.CreateSymbolicLink(Path.Combine(harness.Repo.WorkPath, "package.json"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(harness.Repo.WorkPath, "AGENTS.md"), "/dev/zero");
        harness.Repo.Commit("links to /dev/zero");
        var run = new RecordingRun(harness.NewTask());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        clock.Elapsed.ShouldBeLessThan(TestDefaults.Timeout);
        run.Types.ShouldContain("verify.passed");
        model.Calls[0].Messages.ShouldAllBe(m => !m.Text.Contains('\0', StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_SetupMakesAFifoWithASourceName_RepositoryMapIsBuiltAndTheTaskPlans()
    {
        var script = new PlanScript(Plan(("a", [])));
        using var harness = Harness(script, maxSteps: 12);
        harness.Repo.Commit("setup leaves a trap", (".nightshift.yml", "setup: mkfifo trap.py\ntest: node --test\nnetwork: off\n"));
        var run = new RecordingRun(harness.NewTask("Add a note"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken()).WaitAsync(TestDefaults.Timeout);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.PlannerCalls.Count.ShouldBe(1);
        var prompt = script.PlannerCalls[0].Messages[1].Text;
        prompt.ShouldContain("calc.mjs");
        prompt.ShouldNotContain("trap.py");
        script.Built.ShouldBe(["a"]);
    }

    [Fact]
    public async Task ExecuteAsync_GitDiffFailsOnAnEmptyNestedRepository_TheModelSeesTheErrorAndTheTaskGoesOn()
    {
        string? diffResult = null;
        var model = new ScriptedChatClient()
            .ThenToolCall("run", new { command = "mkdir -p sub/.git/objects sub/.git/refs && printf 'ref: refs/heads/main\\n' > sub/.git/HEAD" }, "mk")
            .ThenToolCall("git_diff", new { }, "diff")
            .Then(call =>
            {
                diffResult = call.Messages.SelectMany(m => m.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>())
                    .LastOrDefault(r => r.CallId == "diff")?.Result?.ToString();
                return ScriptedChatClient.ToolCalls(("run", new { command = "rm -rf sub" }, "rm"));
            })
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        diffResult.ShouldNotBeNull().ShouldStartWith("git_diff failed:");
        diffResult.ShouldContain("sub/");
        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain("return a + b;");
    }
}
