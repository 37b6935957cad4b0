using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Agent.Tests.Execution;

public sealed class SequentialSubtaskSchedulerTests
{
    private static readonly Workspace Workspace = new("t1", "/nowhere", "nightshift/t1", "main", new string('a', 40), new RepositoryRef(RepositoryKind.LocalPath, "/repo", "key"));

    [Fact]
    public async Task RunAsync_PlanWithFinishedSubtasks_BuildsTheRestDependenciesFirstInTheTasksWorkspace()
    {
        var plan = Plan(("d", ["b", "c"], 0), ("c", ["a"], 5), ("b", ["a"], 0), ("a", [], 0));
        var built = new List<string>();

        var outcomes = await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, new HashSet<string> { "a" }, Workspace, (s, w, _) =>
        {
            w.ShouldBeSameAs(Workspace);
            built.Add(s.Id);
            return Task.FromResult(new SubtaskOutcome(s.Id, true, "ok", null, null));
        }));

        built.ShouldBe(["c", "b", "d"]);
        outcomes.Select(o => o.SubtaskId).ShouldBe(["c", "b", "d"]);
    }

    [Fact]
    public async Task RunAsync_SubtaskStopsEarly_NoLaterSubtaskStarts()
    {
        var plan = Plan(("a", [], 0), ("b", ["a"], 0), ("c", ["b"], 0));
        var built = new List<string>();

        var outcomes = await new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, new HashSet<string>(), Workspace, (s, _, _) =>
        {
            built.Add(s.Id);
            return Task.FromResult(new SubtaskOutcome(s.Id, s.Id != "b", null, null, s.Id == "b" ? "budget" : null));
        }));

        built.ShouldBe(["a", "b"]);
        outcomes.Last().StopReason.ShouldBe("budget");
    }

    [Fact]
    public async Task RunAsync_CyclicPlan_RefusesNamingTheCycle()
    {
        var plan = Plan(("a", ["b"], 0), ("b", ["a"], 0));

        var error = await Should.ThrowAsync<PlanCycleException>(() => new SequentialSubtaskScheduler().RunAsync(
            new SubtaskSchedule(plan, new HashSet<string>(), Workspace, (s, _, _) => Task.FromResult(new SubtaskOutcome(s.Id, true, null, null, null)))));

        error.Message.ShouldContain("a → b → a");
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsBeforeTheNextSubtask()
    {
        using var cancel = new CancellationTokenSource();
        var plan = Plan(("a", [], 0), ("b", ["a"], 0));
        var built = new List<string>();

        await Should.ThrowAsync<OperationCanceledException>(() => new SequentialSubtaskScheduler().RunAsync(new SubtaskSchedule(plan, new HashSet<string>(), Workspace, (s, _, _) =>
        {
            built.Add(s.Id);
            cancel.Cancel();
            return Task.FromResult(new SubtaskOutcome(s.Id, true, null, null, null));
        }), cancel.Token));

        built.ShouldBe(["a"]);
    }

    private static Plan Plan(params (string Id, string[] DependsOn, int Priority)[] subtasks) =>
        new([.. subtasks.Select(s => new Subtask(s.Id, s.Id, s.Id, s.DependsOn, s.Priority, [], []))]);
}
