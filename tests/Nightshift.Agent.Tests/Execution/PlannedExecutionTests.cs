using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>Planned tasks through the real executor: real git, the real sandbox and verifier, a scripted plan and build model.</summary>
public sealed class PlannedExecutionTests
{
    private const string FixedCalc = PlannedRuns.FixedCalc;

    [Fact]
    public async Task ExecuteAsync_PlanOfThreeSubtasks_BuildsThemInDependencyOrderWithOneCommitEach()
    {
        // Listed out of order on purpose: c needs b, b needs a.
        var script = new PlanScript(Plan(("c", ["b"]), ("a", []), ("b", ["a"])));
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add three notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.ShouldBe(["a", "b", "c"]);
        script.PlannerCalls.Count.ShouldBe(1);
        var commits = harness.Repo.RemoteGit("log", "--format=%s", $"main..{outcome.Branch}").Trim().Split('\n');
        commits.ShouldBe(["Step c", "Step b", "Step a"]);
        foreach (var id in new[] { "a", "b", "c" })
        {
            harness.RemoteFile(outcome.Branch!, $"{id}.txt").ShouldBe($"{id}\n");
        }
        run.All("subtask.completed").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a", "b", "c"]);
        run.All("subtask.completed").ShouldAllBe(e => e.GetProperty("commit").GetString()!.Length == 40);
        run.Types.ShouldContain("verify.passed");
        run.Plan.ShouldNotBeNull().ShouldContain("\"depends_on\":[\"b\"]");
        // Both agents see the repository map; the build agent sees its own subtask and what came before.
        script.PlannerCalls[0].Messages[1].Text.ShouldContain("calc.mjs");
        var cPrompt = script.BuildCalls.First(c => PlanScript.SubtaskOf(c) == "c").Messages[1].Text;
        cPrompt.ShouldContain("calc.mjs");
        cPrompt.ShouldContain("- a: Step a (done: Wrote a.txt)");
        cPrompt.ShouldContain("c.txt exists");
        var pull = run.PullRequest;
        pull.ShouldNotBeNull().Body.ShouldContain("## Plan");
    }

    [Fact]
    public async Task ExecuteAsync_PlanSubmitted_StreamsOnePartialPerSubtaskThenTheReadyDag()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"]), ("c", ["a"])));
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add three notes"));

        await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        var planEvents = run.Events.Where(e => e.Type.StartsWith("plan.", StringComparison.Ordinal)).ToList();
        planEvents.Select(e => e.Type).ShouldBe(["plan.partial", "plan.partial", "plan.partial", "plan.ready"]);
        planEvents.Take(3).Select(e => e.Data.GetProperty("subtask").GetProperty("id").GetString()).ShouldBe(["a", "b", "c"]);
        planEvents.Take(3).Select(e => e.Data.GetProperty("index").GetInt32()).ShouldBe([0, 1, 2]);
        var ready = planEvents[3].Data;
        ready.GetProperty("mode").GetString().ShouldBe("planned");
        ready.GetProperty("edges").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}→{e.GetProperty("to").GetString()}").ShouldBe(["b→a", "c→a"]);
        ready.GetProperty("waves").EnumerateArray().Select(w => string.Join(",", w.EnumerateArray().Select(i => i.GetString()))).ShouldBe(["a", "b,c"]);
        var firstBuild = run.Events.First(e => e.Type == "subtask.started").Seq;
        planEvents[3].Seq.ShouldBeLessThan(firstBuild);
    }

    [Fact]
    public async Task ExecuteAsync_MalformedPlanThenAValidOne_HealsOnTheSecondSubmissionAfterTheModelSawTheErrors()
    {
        var broken = new { subtasks = new object[] { new { id = "Not A Slug", title = "x", description = "y", depends_on = new[] { "ghost" } } } };
        var script = new PlanScript(broken, Plan(("a", [])));
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add a note"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.PlannerCalls.Count.ShouldBe(2);
        var shown = script.PlannerCalls[1].ToolResults.Last().Result!.ToString()!;
        shown.ShouldContain("the plan was rejected");
        shown.ShouldContain("is not a short slug");
        shown.ShouldContain("'ghost' is not the id of any subtask");
        run.Types.ShouldNotContain("plan.fallback");
        script.Built.ShouldBe(["a"]);
        run.All("plan.partial").Select(e => e.GetProperty("submission").GetInt32()).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task ExecuteAsync_PlanInvalidOnEverySubmission_FallsBackToOneSubtaskWithAnEventSayingWhy()
    {
        var script = new PlanScript(new { subtasks = Array.Empty<object>() });
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add a note"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.PlannerCalls.Count.ShouldBe(3);
        var fallback = run.Last("plan.fallback");
        fallback.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("refused 3 times");
        fallback.GetProperty("submissions").GetInt32().ShouldBe(3);
        run.Last("plan.ready").GetProperty("mode").GetString().ShouldBe("fallback");
        script.Built.ShouldBe(["task"]);
        harness.RemoteFile(outcome.Branch!, "task.txt").ShouldBe("task\n");
    }

    [Fact]
    public async Task ExecuteAsync_TwoSubtasksDependingOnEachOther_LadderDropsTheWeakerEdgeAndBuildsThePlan()
    {
        var script = new PlanScript(Plan(("a", ["b"]), ("b", ["a"])));
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var rung = run.All("plan.cycle_recovery").ShouldHaveSingleItem();
        rung.GetProperty("rung").GetString().ShouldBe("drop_lowest_priority_edges");
        rung.GetProperty("succeeded").GetBoolean().ShouldBeTrue();
        rung.GetProperty("cycles")[0].GetString().ShouldBe("a → b → a");
        script.Built.Count.ShouldBe(2);
        script.PlannerCalls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_CycleTooTangledToPatch_AsksThePlanModelWithTheCycleNamedAndBuildsItsAnswer()
    {
        var script = new PlanScript(Plan(("a", ["b"]), ("b", ["a"])), Plan(("a", []), ("b", ["a"])));
        using var harness = Harness(script, s => s["Agent:PlanCycleMaxDroppedEdges"] = "0");
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("plan.cycle_recovery").Select(e => (e.GetProperty("rung").GetString(), e.GetProperty("succeeded").GetBoolean()))
            .ShouldBe([("drop_lowest_priority_edges", false), ("ask_model", true)]);
        script.PlannerCalls.Count.ShouldBe(2);
        script.PlannerCalls[1].LastMessage.Text.ShouldContain("a → b → a");
        script.Built.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task ExecuteAsync_ApprovalRequired_StoresThePlanWaitsAndAfterApprovalBuildsItWithoutPlanningAgain()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add two notes") with { RequirePlanApproval = true };
        var first = new RecordingRun(task);

        var waiting = await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());

        waiting.Kind.ShouldBe(OutcomeKind.AwaitingApproval);
        first.Plan.ShouldNotBeNull();
        first.Checkpoint.ShouldNotBeNull().ShouldContain("\"awaitingApproval\":true");
        script.Built.ShouldBeEmpty();

        var approved = new RecordingRun(task with { Plan = first.Plan }, first.Checkpoint);
        var outcome = await harness.Executor.ExecuteAsync(approved, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.PlannerCalls.Count.ShouldBe(1);
        script.Built.ShouldBe(["a", "b"]);
        var ready = approved.Last("plan.ready");
        ready.GetProperty("approved").GetBoolean().ShouldBeTrue();
        ready.GetProperty("mode").GetString().ShouldBe("planned");
    }

    [Fact]
    public async Task ExecuteAsync_RepositoryRequiresApproval_WaitsEvenForAOneSubtaskPlan()
    {
        var script = new PlanScript(Plan(("a", [])));
        using var harness = new ExecutorHarness(script.Model);
        harness.Repo.Commit("gate", (".nightshift.yml", "test: node --test\nnetwork: off\nrequire_plan_approval: true\n"));
        var run = new RecordingRun(harness.NewTask("Add a note"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.AwaitingApproval);
        script.PlannerCalls.ShouldBeEmpty();
        run.Plan.ShouldNotBeNull().ShouldContain("\"id\":\"task\"");
        run.Last("plan.ready").GetProperty("mode").GetString().ShouldBe("single");
        script.Model.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_ApprovedWithAnEditedPlan_BuildsTheEditedPlan()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add two notes") with { RequirePlanApproval = true };
        var first = new RecordingRun(task);
        await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());
        var edited = JsonSerializer.Serialize(Plan(("x", []), ("y", ["x"]), ("z", ["x"])));

        var approved = new RecordingRun(task with { Plan = edited }, first.Checkpoint);
        var outcome = await harness.Executor.ExecuteAsync(approved, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        // y and z are independent: built at the same time, in either order.
        script.Built[0].ShouldBe("x");
        script.Built.Order(StringComparer.Ordinal).ShouldBe(["x", "y", "z"]);
        approved.Last("plan.ready").GetProperty("mode").GetString().ShouldBe("edited");
        harness.RemoteFile(outcome.Branch!, "z.txt").ShouldBe("z\n");
        Should.Throw<Exception>(() => harness.RemoteFile(outcome.Branch!, "a.txt"));
    }

    [Fact]
    public async Task ExecuteAsync_ApprovedPlanEditedIntoNonsense_FailsWithTheValidationErrors()
    {
        var script = new PlanScript(Plan(("a", [])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add a note") with { RequirePlanApproval = true };
        var first = new RecordingRun(task);
        await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());

        var approved = new RecordingRun(task with { Plan = """{"subtasks":[{"id":"a","title":"A","description":"d","depends_on":["nope"]}]}""" }, first.Checkpoint);
        var outcome = await harness.Executor.ExecuteAsync(approved, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("'nope' is not the id of any subtask");
        script.Built.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_ReclaimedWhileStillAwaitingApproval_WaitsAgainWithoutCallingTheModel()
    {
        var script = new PlanScript(Plan(("a", [])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add a note") with { RequirePlanApproval = true };
        var first = new RecordingRun(task);
        await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());

        var reclaimed = new RecordingRun(task with { Plan = first.Plan }, first.Checkpoint, attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(reclaimed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.AwaitingApproval);
        script.Model.Calls.Count.ShouldBe(1);
        reclaimed.Types.ShouldNotContain("verify.started");
    }

    [Fact]
    public async Task ExecuteAsync_ResumedWithTwoOfThreeSubtasksFinished_BuildsOnlyTheThird()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"]), ("c", ["b"])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add three notes");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        var interrupted = false;
        script.OnBuildStart = id =>
        {
            if (id == "c" && !interrupted)
            {
                interrupted = true;
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            }
        };

        var released = await harness.Executor.ExecuteAsync(run, cancel.Token);

        released.Kind.ShouldBe(OutcomeKind.Released);
        script.Built.ShouldBe(["a", "b"]);
        var callsBefore = script.Model.Calls.Count;

        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.ShouldBe(["a", "b", "c"]);
        script.PlannerCalls.Count.ShouldBe(1);
        script.Model.Calls.Skip(callsBefore).ShouldAllBe(c => PlanScript.SubtaskOf(c) == "c");
        script.Model.Calls.Count.ShouldBe(callsBefore + 2);
        resumed.All("subtask.skipped").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a", "b"]);
        resumed.All("subtask.started").Select(e => e.GetProperty("id").GetString()).ShouldBe(["c"]);
        harness.Repo.RemoteGit("log", "--format=%s", $"main..{outcome.Branch}").Trim().Split('\n').ShouldBe(["Step c", "Step b", "Step a"]);
    }

    [Fact]
    public async Task ExecuteAsync_ShortInstructionInAutoMode_SkipsPlanningWithAnEventAndNoPlannerCall()
    {
        var script = new PlanScript(Plan(("a", [])));
        using var harness = new ExecutorHarness(script.Model);
        harness.Repo.Commit("fix add", ("calc.mjs", FixedCalc));
        var run = new RecordingRun(harness.NewTask("Add a note"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.PlannerCalls.ShouldBeEmpty();
        run.Last("plan.skipped").GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("short");
        run.Types.ShouldNotContain("plan.partial");
        run.Plan.ShouldBeNull();
        script.Built.ShouldBe(["task"]);
    }

    [Fact]
    public async Task ExecuteAsync_SameFailureThreeRoundsInARow_SwitchesTheFeedbackToDebugging()
    {
        var feedback = new List<string>();
        var model = new ScriptedChatClient { Responder = call => Finish(call, feedback) }
            .ThenToolCall("write_file", new { path = "stuck.test.mjs", content = FailingTest("stuck") });
        using var harness = new ExecutorHarness(model, s => s["Agent:VerificationRounds"] = "4");
        var run = new RecordingRun(harness.NewTask("Add a test"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        feedback.Count.ShouldBe(4);
        feedback.Take(2).ShouldAllBe(f => !f.Contains("debug it", StringComparison.Ordinal));
        feedback.Skip(2).ShouldAllBe(f => f.Contains("debug it", StringComparison.Ordinal) && f.Contains("Remove every temporary log", StringComparison.Ordinal));
        var debug = run.All("verify.debug_mode").ShouldHaveSingleItem();
        debug.GetProperty("round").GetInt32().ShouldBe(3);
        debug.GetProperty("failure").GetString().ShouldBe("tests: stuck");
        run.Checkpoint.ShouldNotBeNull().ShouldContain("\"debugMode\":true");
    }

    [Fact]
    public async Task ExecuteAsync_ThreeDifferentFailures_StaysOnOrdinaryFeedback()
    {
        var feedback = new List<string>();
        var names = new Queue<string>(["two", "three", "four"]);
        var model = new ScriptedChatClient
        {
            Responder = call => call.LastMessage.Role == ChatRole.User && names.Count > 0
                ? Record(feedback, call, ScriptedChatClient.ToolCalls(("write_file", new { path = "stuck.test.mjs", content = FailingTest(names.Dequeue()) }, $"w{call.Number}")))
                : ScriptedChatClient.ToolCalls(("finish", new { summary = "Tried again" }, $"f{call.Number}")),
        }.ThenToolCall("write_file", new { path = "stuck.test.mjs", content = FailingTest("one") });
        using var harness = new ExecutorHarness(model, s => s["Agent:VerificationRounds"] = "3");
        var run = new RecordingRun(harness.NewTask("Add a test"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        run.All("verify.failed").Count.ShouldBe(4);
        feedback.Count.ShouldBe(3);
        feedback.ShouldAllBe(f => !f.Contains("debug it", StringComparison.Ordinal));
        run.Types.ShouldNotContain("verify.debug_mode");
    }

    private static ExecutorHarness Harness(PlanScript script, Action<Dictionary<string, string?>>? settings = null) =>
        PlannedRuns.Harness(script, maxSteps: 30, settings);

    private static object Plan(params (string Id, string[] DependsOn)[] subtasks) => PlannedRuns.Plan(subtasks);

    private static string FailingTest(string name) =>
        $"import test from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('{name}', () => assert.equal(1, 2));\n";

    private static ChatResponse Finish(ScriptedChatCall call, List<string> feedback)
    {
        var response = ScriptedChatClient.ToolCalls(("finish", new { summary = "Added a test" }, $"f{call.Number}"));
        return call.LastMessage.Role == ChatRole.User ? Record(feedback, call, response) : response;
    }

    private static ChatResponse Record(List<string> feedback, ScriptedChatCall call, ChatResponse response)
    {
        lock (feedback)
        {
            feedback.Add(call.LastMessage.Text);
        }
        return response;
    }
}
