using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// Plans with independent subtasks through the real executor and the parallel scheduler: real git worktrees per
/// subtask, real merges into the task branch, the real sandbox and verifier, a scripted model that answers by what
/// each prompt names (so two subtasks built at once get the same answers every run).
/// </summary>
public sealed class ParallelExecutionTests
{
    [Fact]
    public async Task ExecuteAsync_DiamondOfFourSubtasks_BuildsTheMiddleTwoInTheirOwnWorktreesMergesThemAndVerifiesTheMergedTree()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])));
        using var harness = Harness(script);
        var run = new RecordingRun(harness.NewTask("Add four notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.Count.ShouldBe(4);
        script.Built[0].ShouldBe("a");
        script.Built[3].ShouldBe("d");
        script.Built.Skip(1).Take(2).Order(StringComparer.Ordinal).ShouldBe(["b", "c"]);
        run.All("subtask.started").ShouldAllBe(e => e.GetProperty("worktree").GetString() == "own");
        var bPrompt = script.BuildCalls.First(c => PlanScript.SubtaskOf(c) == "b").Messages[1].Text;
        bPrompt.ShouldContain("- a: Step a (done: Wrote a.txt)");
        bPrompt.ShouldContain("- c: Step c (alongside, now)");
        bPrompt.ShouldContain("- d: Step d (later)");

        // b and c were committed on branches of their own, both from a's merge, and merged in the wave's order.
        var branch = outcome.Branch!;
        var parents = harness.Repo.RemoteGit("log", "--format=%s|%P", $"main..{branch}").Trim().Split('\n')
            .Select(l => l.Split('|'))
            .ToDictionary(p => p[0], p => p[1].Split(' '), StringComparer.Ordinal);
        parents["Subtask b: Step b"].ShouldHaveSingleItem();
        parents["Subtask b: Step b"].ShouldBe(parents["Subtask c: Step c"]);
        var merges = harness.Repo.RemoteGit("log", "--merges", "--format=%s", $"main..{branch}").Trim().Split('\n');
        merges.ShouldBe(["Merge subtask d: Step d", "Merge subtask c: Step c", "Merge subtask b: Step b", "Merge subtask a: Step a"]);
        parents["Merge subtask c: Step c"].Length.ShouldBe(2);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            harness.RemoteFile(branch, $"{id}.txt").ShouldBe($"{id}\n");
        }
        run.All("subtask.merged").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a", "b", "c", "d"]);
        run.All("subtask.completed").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a", "b", "c", "d"]);
        run.All("subtask.completed").ShouldAllBe(e => e.GetProperty("commit").GetString()!.Length == 40);
        run.All("commit.created").Count(e => e.TryGetProperty("subtask", out _)).ShouldBe(4);

        // Verification ran once every merge was in, and passed.
        var lastMerge = run.Events.Last(e => e.Type == "subtask.merged").Seq;
        run.Events.Where(e => e.Type == "verify.passed").ShouldHaveSingleItem().Seq.ShouldBeGreaterThan(lastMerge);
        run.All("branch.pushed").ShouldHaveSingleItem();
        harness.Repo.RemoteGit("branch", "--format=%(refname:short)").Trim().Split('\n').Order(StringComparer.Ordinal).ShouldBe(["main", branch]);
        Directory.GetDirectories(Path.Combine(harness.Data, "worktrees"), "*.subtasks").ShouldBeEmpty();
        var pull = run.PullRequest;
        pull.ShouldNotBeNull().Body.ShouldContain("## Plan");
    }

    [Fact]
    public async Task ExecuteAsync_TwoSubtasksEditTheSameLine_BuildAgentResolvesTheConflictAndTheResolvedTreeIsVerified()
    {
        var script = new PlanScript(Plan(("b", []), ("c", [])))
        {
            ConflictResolution = "from b\nfrom c\n",
        };
        script.Writes["b"] = ("notes.txt", "from b\n");
        script.Writes["c"] = ("notes.txt", "from c\n");
        using var harness = Harness(script);
        harness.Repo.Commit("notes", ("notes.txt", "original\n"));
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        harness.RemoteFile(outcome.Branch!, "notes.txt").ShouldBe("from b\nfrom c\n");
        var conflict = run.All("subtask.conflicted").ShouldHaveSingleItem();
        conflict.GetProperty("id").GetString().ShouldBe("c");
        conflict.GetProperty("paths").EnumerateArray().Select(p => p.GetString()).ShouldBe(["notes.txt"]);
        conflict.GetProperty("mergedSubtasks").EnumerateArray().Select(p => p.GetString()).ShouldBe(["b"]);
        var prompt = script.ConflictCalls[0].Messages[1].Text;
        prompt.ShouldContain("- notes.txt");
        prompt.ShouldContain("'b': Step b");
        prompt.ShouldContain("Merging subtask 'c' (Step c)");
        script.ConflictCalls.Count.ShouldBe(2);
        run.All("model.request").Count(e => e.GetProperty("role").GetString() == "merge").ShouldBe(2);
        run.All("subtask.merged").Select(e => (e.GetProperty("id").GetString(), e.GetProperty("conflictResolved").GetBoolean()))
            .ShouldBe([("b", false), ("c", true)]);
        harness.Repo.RemoteGit("log", "--merges", "--format=%s", $"main..{outcome.Branch}").Trim().Split('\n')
            .ShouldBe(["Merge subtask c: Step c (conflicts resolved)", "Merge subtask b: Step b"]);
        var lastMerge = run.Events.Last(e => e.Type == "subtask.merged").Seq;
        run.Events.Where(e => e.Type == "verify.passed").ShouldHaveSingleItem().Seq.ShouldBeGreaterThan(lastMerge);
    }

    [Fact]
    public async Task ExecuteAsync_ResumedWithBCompletedAndCNot_BuildsOnlyCAndD()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])));
        using var harness = Harness(script);
        var task = harness.NewTask("Add four notes");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        var interrupted = 0;
        script.OnBuildStart = id =>
        {
            if (id == "d" && Interlocked.Exchange(ref interrupted, 1) == 0)
            {
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            }
        };

        var released = await harness.Executor.ExecuteAsync(run, cancel.Token);

        released.Kind.ShouldBe(OutcomeKind.Released);
        script.Built.Order(StringComparer.Ordinal).ShouldBe(["a", "b", "c"]);
        Directory.GetDirectories(Path.Combine(harness.Data, "worktrees"), "*.subtasks").ShouldBeEmpty();
        // The checkpoint says a and b are done (b's merge is on the task branch); c's record is lost, so c is built again.
        var checkpoint = JsonNode.Parse(run.Checkpoint!)!.AsObject();
        var subtasks = checkpoint["subtasks"]!.AsArray();
        subtasks.Select(s => (s!["id"]!.GetValue<string>(), s["status"]!.GetValue<string>())).Where(s => s.Item1 != "d")
            .Order().ShouldBe([("a", "completed"), ("b", "completed"), ("c", "completed")]);
        var kept = new JsonArray([.. subtasks.Where(s => s!["id"]!.GetValue<string>() is "a" or "b").Select(s => s!.DeepClone())]);
        checkpoint["subtasks"] = kept;
        var builtBefore = script.Built.Count;

        var resumed = new RecordingRun(task, checkpoint.ToJsonString(), attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.Skip(builtBefore).ShouldBe(["c", "d"]);
        script.PlannerCalls.Count.ShouldBe(1);
        resumed.All("subtask.skipped").Select(e => e.GetProperty("id").GetString()).ShouldBe(["a", "b"]);
        resumed.All("subtask.started").Select(e => e.GetProperty("id").GetString()).ShouldBe(["c", "d"]);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            harness.RemoteFile(outcome.Branch!, $"{id}.txt").ShouldBe($"{id}\n");
        }
        resumed.Types.ShouldContain("verify.passed");
    }

    [Fact]
    public async Task ExecuteAsync_MaxParallelismOne_BuildsIndependentSubtasksOneAfterAnotherWithoutMerges()
    {
        var script = new PlanScript(Plan(("a", []), ("b", ["a"]), ("c", ["a"])));
        using var harness = Harness(script, s => s["Agent:Dag:MaxParallelism"] = "1");
        var run = new RecordingRun(harness.NewTask("Add three notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.ShouldBe(["a", "b", "c"]);
        run.All("subtask.started").ShouldAllBe(e => e.GetProperty("worktree").GetString() == "task");
        harness.Repo.RemoteGit("log", "--merges", "--format=%s", $"main..{outcome.Branch}").Trim().ShouldBeEmpty();
        run.Types.ShouldNotContain("subtask.merged");
    }

    [Fact]
    public async Task ExecuteAsync_CommitAuthorConfigured_SubtaskAndMergeCommitsCarryIt()
    {
        var script = new PlanScript(Plan(("b", []), ("c", [])));
        using var harness = Harness(script, s =>
        {
            s["Agent:CommitAuthorName"] = "Night Bot";
            s["Agent:CommitAuthorEmail"] = "bot@example.invalid";
        });
        var run = new RecordingRun(harness.NewTask("Add two notes"));

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.All("subtask.started").ShouldAllBe(e => e.GetProperty("worktree").GetString() == "own");
        var commits = harness.Repo.RemoteGit("log", "--format=%s|%an <%ae>|%cn <%ce>", $"main..{outcome.Branch}").Trim().Split('\n');
        commits.Count(c => c.StartsWith("Merge subtask", StringComparison.Ordinal)).ShouldBe(2);
        commits.Count(c => c.StartsWith("Subtask ", StringComparison.Ordinal)).ShouldBe(2);
        commits.ShouldAllBe(c => c.EndsWith("|Night Bot <bot@example.invalid>|Night Bot <bot@example.invalid>", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    public void Executor_MaxParallelismOutOfRange_RefusesWithTheSettingNamed(string value)
    {
        using var harness = new ExecutorHarness(new PlanScript(Plan(("a", []))).Model, s => s["Agent:Dag:MaxParallelism"] = value);

        Should.Throw<OptionsValidationException>(() => harness.Executor).Message.ShouldContain($"Agent:Dag:MaxParallelism is {value}; give a whole number from 1 to 16");
    }

    private static ExecutorHarness Harness(PlanScript script, Action<Dictionary<string, string?>>? settings = null) =>
        PlannedRuns.Harness(script, maxSteps: 40, settings);

    private static object Plan(params (string Id, string[] DependsOn)[] subtasks) => PlannedRuns.Plan(subtasks);
}
