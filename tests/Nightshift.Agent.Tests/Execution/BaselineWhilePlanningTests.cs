using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// The baseline run of the repository's tests beside the plan agent, through the real executor, bubblewrap and git:
/// the first plan request does not wait for the tests, the build does, and a resumed attempt reuses a stored baseline.
/// </summary>
public sealed class BaselineWhilePlanningTests
{
    private const string Marker = "plan-requested";

    // The tests cannot start until the plan agent's first request has reached the model (the marker in the task's
    // cache, the jail's /cache), and give up after about 10 s: run before planning, the baseline fails.
    private const string WaitingConfig =
        "test: \"n=0; until [ -e /cache/" + Marker + " ]; do n=$((n+1)); if [ $n -gt 500 ]; then echo the plan request never came; exit 7; fi; sleep 0.02; done; node --test\"\n" +
        "network: off\n";

    [Fact]
    public async Task ExecuteAsync_TestsWaitForTheFirstPlanRequest_PlanIsNotHeldBackAndTheBuildWaitsForTheBaseline()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", [])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 12);
        harness.Repo.Commit("tests that wait for the planner", (".nightshift.yml", WaitingConfig));
        var run = new RecordingRun(harness.NewTask("Add a note"));
        var baselineDoneAtPlanRequest = MarkFirstPlanRequest(script, harness, run);

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        (await baselineDoneAtPlanRequest.Task).ShouldBeFalse();
        run.Last("verify.baseline").GetProperty("passed").GetBoolean().ShouldBeTrue();
        var baselineSeq = run.Events.First(e => e.Type == "verify.baseline").Seq;
        run.Events.First(e => e.Type == "subtask.started").Seq.ShouldBeGreaterThan(baselineSeq);
        run.All("verify.started").Count(e => e.GetProperty("baseline").GetBoolean()).ShouldBe(1);
        var stored = JsonDocument.Parse(run.Checkpoint!).RootElement.GetProperty("baseline");
        stored.GetProperty("baseCommit").GetString().ShouldBe(harness.Repo.RemoteGit("rev-parse", "main").Trim());
        stored.GetProperty("commands")[0].GetProperty("exitCode").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task ExecuteAsync_BaselineWhilePlanningOff_RunsTheTestsBeforeThePlanRequest()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", [])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 12, s => s["Agent:BaselineWhilePlanning"] = "false");
        var run = new RecordingRun(harness.NewTask("Add a note"));
        var baselineDoneAtPlanRequest = MarkFirstPlanRequest(script, harness, run);

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        (await baselineDoneAtPlanRequest.Task).ShouldBeTrue();
        run.Events.First(e => e.Type == "verify.baseline").Seq.ShouldBeLessThan(run.Events.First(e => e.Type == "plan.partial").Seq);
    }

    [Fact]
    public async Task ExecuteAsync_PlanWaitsForApprovalWhileTheTestsStillRun_StopsTheBaselineAndStoresNone()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", [])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 12);
        // Tests that would outlast the test's own time limit: the attempt must stop them, not wait for them.
        harness.Repo.Commit("tests that never end", (".nightshift.yml", "test: \"sleep 600\"\nnetwork: off\n"));
        var run = new RecordingRun(harness.NewTask("Add a note") with { RequirePlanApproval = true });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.AwaitingApproval, outcome.Reason);
        run.Types.ShouldContain("plan.ready");
        run.Types.ShouldNotContain("verify.baseline");
        run.Checkpoint.ShouldNotBeNull().ShouldNotContain("\"baseline\"");
    }

    [Fact]
    public async Task ExecuteAsync_ResumedWithABaselineOnTheSameCommit_DoesNotRunItAgainAndTellsThePlanWhatFails()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", [])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 12);
        // The tests would fail the run if they ran on the base: only the stored baseline can say what failed there.
        harness.Repo.Commit("tests that must not run at baseline", (".nightshift.yml", "test: \"if [ ! -e a.txt ]; then echo ran-on-the-base; exit 9; fi; node --test\"\nnetwork: off\n"));
        var head = harness.Repo.RemoteGit("rev-parse", "main").Trim();
        var checkpoint = StoredBaseline(head, "if [ ! -e a.txt ]; then echo ran-on-the-base; exit 9; fi; node --test", exitCode: 1, "multiplies");
        var run = new RecordingRun(harness.NewTask("Add a note"), checkpoint);

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("verify.started").ShouldAllBe(e => !e.GetProperty("baseline").GetBoolean());
        run.Types.ShouldNotContain("verify.baseline");
        var prompt = script.PlannerCalls[0].Messages[1].Text;
        prompt.ShouldContain("already fail there");
        prompt.ShouldContain("exits with 1: multiplies");
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000", "node --test")]
    [InlineData(null, "node --test")]
    [InlineData("HEAD", "npm test")]
    public async Task ExecuteAsync_StoredBaselineForAnotherCommitOrCommand_RunsTheBaselineAgain(string? commit, string command)
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", [])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 12);
        var head = harness.Repo.RemoteGit("rev-parse", "main").Trim();
        var run = new RecordingRun(harness.NewTask("Add a note"), StoredBaseline(commit == "HEAD" ? head : commit, command, exitCode: 1, "adds"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.Last("verify.baseline").GetProperty("passed").GetBoolean().ShouldBeTrue();
        script.PlannerCalls[0].Messages[1].Text.ShouldNotContain("already fail there");
    }

    /// <summary>Writes the marker the waiting tests look for when the first plan request arrives; completes with whether the baseline had finished by then.</summary>
    private static TaskCompletionSource<bool> MarkFirstPlanRequest(PlanScript script, ExecutorHarness harness, RecordingRun run)
    {
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = script.Model.Responder!;
        script.Model.Responder = call =>
        {
            if (PlanScript.IsPlanner(call) && !seen.Task.IsCompleted)
            {
                var cache = Path.Combine(harness.Data, "task-cache", run.Task.Id);
                Directory.CreateDirectory(cache);
                File.WriteAllText(Path.Combine(cache, Marker), "now\n");
                seen.TrySetResult(run.Types.Contains("verify.baseline"));
            }
            return inner(call);
        };
        return seen;
    }

    private static string StoredBaseline(string? commit, string command, int exitCode, params string[] failing) => JsonSerializer.Serialize(new
    {
        stage = "prepared",
        baseline = new
        {
            baseCommit = commit,
            commands = new[] { new { command, exitCode, timedOut = false, failingTests = failing } },
        },
    });
}
