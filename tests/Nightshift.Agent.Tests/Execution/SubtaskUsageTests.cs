using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>Which plan subtask each model call's usage is charged to, through the real executor and both schedulers.</summary>
public sealed class SubtaskUsageTests
{
    [Fact]
    public async Task ExecuteAsync_ParallelSubtasksWithAConflict_ChargesEachSubtasksCallsAndItsMergeToIt()
    {
        var script = new PlanScript(PlannedRuns.Plan(("b", []), ("c", [])))
        {
            ConflictResolution = "from b\nfrom c\n",
        };
        script.Writes["b"] = ("notes.txt", "from b\n");
        script.Writes["c"] = ("notes.txt", "from c\n");
        using var harness = PlannedRuns.Harness(script, maxSteps: 30);
        harness.Repo.Commit("notes", ("notes.txt", "original\n"));
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("subtask.conflicted").ShouldHaveSingleItem().GetProperty("id").GetString().ShouldBe("c");
        var bySubtask = ChargedCalls(run);
        // The plan agent's call is the task's; b wrote and finished; c did too, and its conflicted merge took two more.
        bySubtask.ShouldBe(["(task)=1", "b=2", "c=4"]);
        script.PlannerCalls.Count.ShouldBe(1);
        run.UsageRecords.Count.ShouldBe(run.All("model.response").Count);
    }

    [Fact]
    public async Task ExecuteAsync_SequentialScheduler_ChargesEachSubtasksCallsToIt()
    {
        var script = new PlanScript(PlannedRuns.Plan(("a", []), ("b", ["a"])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 30, s => s["Agent:Dag:MaxParallelism"] = "1");
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("subtask.started").ShouldAllBe(e => e.GetProperty("worktree").GetString() == "task");
        ChargedCalls(run).ShouldBe(["(task)=1", "a=2", "b=2"]);
    }

    /// <summary>"subtask=calls" in ordinal order; "(task)" stands for calls charged to the task as a whole.</summary>
    private static List<string> ChargedCalls(RecordingRun run) =>
        [.. run.UsageRecords.GroupBy(u => u.Subtask ?? "(task)", StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}").Order(StringComparer.Ordinal)];
}
