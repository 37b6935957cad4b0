using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Core.Errors;
using Nightshift.Core.Planning;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Agent.Tests.Dag;

public sealed class DagRunnerTests
{
    [Fact]
    public async Task RunAsync_DiamondPlan_MiddleSubtasksBuildAtOnceThenMergedInOrderAndTheLastSeesBoth()
    {
        using var h = await DagHarness.CreateAsync();
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? dBase = null;
        string[] dSaw = [];

        var result = await h.Runner(maxParallelism: 2).RunAsync(h.Request(DagHarness.Diamond(), async (work, token) =>
        {
            switch (work.Subtask.Id)
            {
                case "b" or "c":
                    (work.Subtask.Id == "b" ? bStarted : cStarted).SetResult();
                    // Each waits for the other: only concurrent builds get past this barrier.
                    await Task.WhenAll(bStarted.Task, cStarted.Task).WaitAsync(TestDefaults.Timeout, token);
                    File.ReadAllText(Path.Combine(work.Workspace.Path, "a.txt")).ShouldBe("from a\n");
                    break;
                case "d":
                    dBase = work.Workspace.BaseCommit;
                    dSaw = [.. Directory.GetFiles(work.Workspace.Path, "*.txt").Select(Path.GetFileName).Order()!];
                    break;
            }
            return await DagHarness.WriteOwnFile(work, token);
        }), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        result.Subtasks.Select(s => (s.Id, s.Status)).ShouldBe([("a", SubtaskState.Completed), ("b", SubtaskState.Completed), ("c", SubtaskState.Completed), ("d", SubtaskState.Completed)]);
        result.Merges.ShouldBe(4);
        dSaw.ShouldBe(["a.txt", "b.txt", "c.txt"]);
        var byId = result.Subtasks.ToDictionary(s => s.Id);
        dBase.ShouldBe(byId["c"].Commit);
        h.Parents(byId["b"].Commit!)[0].ShouldBe(byId["a"].Commit);
        h.Parents(byId["c"].Commit!)[0].ShouldBe(byId["b"].Commit);
        h.Parents(byId["d"].Commit!)[0].ShouldBe(byId["c"].Commit);
        h.Parents(byId["a"].Commit!)[0].ShouldBe(h.Workspace.BaseCommit);
        foreach (var outcome in result.Subtasks)
        {
            var parents = h.Parents(outcome.Commit!);
            parents.Length.ShouldBe(2);
            GitCli.Run(h.Mirror, "log", "-1", "--format=%s", parents[1]).Trim().ShouldBe($"Subtask {outcome.Id}: Title of {outcome.Id}");
            GitCli.Run(h.Mirror, "log", "-1", "--format=%s", outcome.Commit!).Trim().ShouldBe($"Merge subtask {outcome.Id}: Title of {outcome.Id}");
        }
        result.HeadCommit.ShouldBe(byId["d"].Commit);
        (await h.Subtasks.CurrentCommitAsync(h.Workspace)).ShouldBe(result.HeadCommit);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            File.ReadAllText(Path.Combine(h.Workspace.Path, id + ".txt")).ShouldBe($"from {id}\n");
        }
        h.Reports(SubtaskState.Completed).ShouldBe(["a", "b", "c", "d"]);
        h.Reports(SubtaskState.Started).ShouldBe(["a", "b", "c", "d"], ignoreOrder: true);
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
        h.Branches().ShouldBe([h.Workspace.Branch]);
    }

    [Fact]
    public async Task RunAsync_ParallelismOne_NeverTwoSubtasksAtOnce()
    {
        using var h = await DagHarness.CreateAsync();
        var running = 0;
        var most = 0;

        var result = await h.Runner(maxParallelism: 1).RunAsync(h.Request(new Plan([DagHarness.Step("a"), DagHarness.Step("b"), DagHarness.Step("c")]), async (work, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Yield();
            var written = await DagHarness.WriteOwnFile(work, token);
            Interlocked.Decrement(ref running);
            return written;
        }), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        most.ShouldBe(1);
        h.Reports(SubtaskState.Completed).ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public async Task RunAsync_BothMiddleSubtasksEditTheSameLine_ConflictResolvedInTheTaskWorktreeAndDSeesTheResolution()
    {
        using var h = await DagHarness.CreateAsync(("shared.txt", "one\ntwo\nthree\n"));
        MergeConflict? seen = null;
        string? markers = null;
        string? dSaw = null;

        var result = await h.Runner().RunAsync(h.Request(DagHarness.Diamond(), EditSharedLine(work => dSaw = File.ReadAllText(Path.Combine(work.Workspace.Path, "shared.txt"))), async (conflict, _) =>
        {
            seen = conflict;
            var file = Path.Combine(conflict.TaskPath, "shared.txt");
            markers = File.ReadAllText(file);
            await File.WriteAllTextAsync(file, "one\ntwo by b and c\nthree\n");
            return true;
        }), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        result.ConflictsResolved.ShouldBe(1);
        seen.ShouldNotBeNull();
        seen.Subtask.Id.ShouldBe("c");
        seen.Paths.ShouldBe(["shared.txt"]);
        seen.TaskPath.ShouldBe(h.Workspace.Path);
        markers.ShouldNotBeNull();
        markers.ShouldContain("<<<<<<< ");
        markers.ShouldContain("two by b\n=======\ntwo by c\n");
        var c = result.Subtasks.Single(s => s.Id == "c");
        c.ConflictResolved.ShouldBeTrue();
        h.Parents(c.Commit!).ShouldBe([result.Subtasks.Single(s => s.Id == "b").Commit!, seen.SubtaskCommit]);
        h.Show(c.Commit!, "shared.txt").ShouldBe("one\ntwo by b and c\nthree\n");
        dSaw.ShouldBe("one\ntwo by b and c\nthree\n");
        h.Show(result.HeadCommit, "shared.txt").ShouldBe("one\ntwo by b and c\nthree\nfour by d\n");
        h.Progress.Single(p => p.Id == "c" && p.Status == SubtaskState.Completed).ConflictResolved.ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_ConflictNotResolved_SubtaskFailedDependentSkippedAndNothingHalfMerged()
    {
        using var h = await DagHarness.CreateAsync(("shared.txt", "one\ntwo\nthree\n"));

        var result = await h.Runner().RunAsync(h.Request(DagHarness.Diamond(), EditSharedLine(_ => { }), (_, _) => Task.FromResult(false)), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeFalse();
        var byId = result.Subtasks.ToDictionary(s => s.Id);
        byId["c"].Status.ShouldBe(SubtaskState.Failed);
        byId["c"].Reason.ShouldNotBeNull().ShouldContain("shared.txt");
        byId["c"].Reason!.ShouldContain("not resolved");
        byId["d"].Status.ShouldBe(SubtaskState.Skipped);
        byId["d"].Reason.ShouldNotBeNull().ShouldContain("'c'");
        result.Failures.Select(f => f.Id).ShouldBe(["c", "d"]);
        result.HeadCommit.ShouldBe(byId["b"].Commit);
        (await h.Subtasks.CurrentCommitAsync(h.Workspace)).ShouldBe(byId["b"].Commit);
        GitCli.Run(h.Mirror, "rev-parse", "refs/heads/" + h.Workspace.Branch).Trim().ShouldBe(byId["b"].Commit);
        File.ReadAllText(Path.Combine(h.Workspace.Path, "shared.txt")).ShouldBe("one\ntwo by b\nthree\n");
        h.Reports(SubtaskState.Failed).ShouldBe(["c"]);
        h.Reports(SubtaskState.Skipped).ShouldBe(["d"]);
        h.Built.ShouldNotContain("d");
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_ResolverLeavesMarkers_SubtaskFailedAndTheBranchKeepsOnlyCleanMerges()
    {
        using var h = await DagHarness.CreateAsync(("shared.txt", "one\ntwo\nthree\n"));

        var result = await h.Runner().RunAsync(h.Request(DagHarness.Diamond(), EditSharedLine(_ => { }), (_, _) => Task.FromResult(true)), TestDefaults.TimeoutToken());

        var c = result.Subtasks.Single(s => s.Id == "c");
        c.Status.ShouldBe(SubtaskState.Failed);
        c.Reason.ShouldNotBeNull().ShouldContain("conflict markers in shared.txt");
        result.HeadCommit.ShouldBe(result.Subtasks.Single(s => s.Id == "b").Commit);
        File.ReadAllText(Path.Combine(h.Workspace.Path, "shared.txt")).ShouldNotContain("<<<<<<<");
    }

    [Fact]
    public async Task RunAsync_ResumeWithAAndBFinished_OnlyCAndDAreBuilt()
    {
        using var h = await DagHarness.CreateAsync();
        // The first attempt got as far as merging a and b (same fingerprints: b's covers only itself and a).
        await h.Runner().RunAsync(h.Request(new Plan([DagHarness.Step("a"), DagHarness.Step("b", "a")]), DagHarness.WriteOwnFile), TestDefaults.TimeoutToken());
        var finished = h.FinishedSoFar();
        var headBefore = await h.Subtasks.CurrentCommitAsync(h.Workspace);
        h.Built.Clear();
        h.Progress.Clear();
        string[] dSaw = [];

        var result = await h.Runner().RunAsync(h.Request(DagHarness.Diamond(), async (work, token) =>
        {
            if (work.Subtask.Id == "d")
            {
                dSaw = [.. Directory.GetFiles(work.Workspace.Path, "*.txt").Select(Path.GetFileName).Order()!];
            }
            return await DagHarness.WriteOwnFile(work, token);
        }, finished: finished), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        h.Built.ShouldBe(["c", "d"]);
        h.Reports(SubtaskState.Reused).ShouldBe(["a", "b"]);
        result.Subtasks.Select(s => s.Status).ShouldBe([SubtaskState.Reused, SubtaskState.Reused, SubtaskState.Completed, SubtaskState.Completed]);
        h.Parents(result.Subtasks.Single(s => s.Id == "c").Commit!)[0].ShouldBe(headBefore);
        dSaw.ShouldBe(["a.txt", "b.txt", "c.txt"]);
        result.Merges.ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_CrashAfterBothBuiltAndOneMerged_ResumeMergesTheOtherWithoutBuildingItAgain()
    {
        using var h = await DagHarness.CreateAsync();
        await Should.ThrowAsync<IOException>(() => h.Runner().RunAsync(h.Request(DagHarness.Diamond(), DagHarness.WriteOwnFile, afterReport: p =>
        {
            if (p is { Status: SubtaskState.Completed, Id: "b" })
            {
                throw new IOException("the worker died");
            }
        }), TestDefaults.TimeoutToken()));
        var finished = h.FinishedSoFar();
        finished["c"].Commit.ShouldBeNull();
        finished["c"].SubtaskCommit.ShouldNotBeNull();
        h.Built.Clear();
        h.Progress.Clear();

        var result = await h.Runner().RunAsync(h.Request(DagHarness.Diamond(), DagHarness.WriteOwnFile, finished: finished), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        h.Built.ShouldBe(["d"]);
        h.Reports(SubtaskState.Reused).ShouldBe(["a", "b"]);
        h.Reports(SubtaskState.Completed).ShouldBe(["c", "d"]);
        var c = result.Subtasks.Single(s => s.Id == "c");
        h.Parents(c.Commit!).ShouldBe([finished["b"].Commit!, finished["c"].SubtaskCommit!]);
        File.ReadAllText(Path.Combine(h.Workspace.Path, "c.txt")).ShouldBe("from c\n");
    }

    [Fact]
    public async Task RunAsync_FinishedRecordStaleOrNotOnTheBranch_SubtaskBuiltAgain()
    {
        using var h = await DagHarness.CreateAsync();
        await h.Runner().RunAsync(h.Request(new Plan([DagHarness.Step("a")]), DagHarness.WriteOwnFile), TestDefaults.TimeoutToken());
        var real = h.FinishedSoFar()["a"];
        h.Built.Clear();
        var plan = new Plan([DagHarness.Step("a"), DagHarness.Step("b", "a")]);

        await h.Runner().RunAsync(h.Request(plan, DagHarness.WriteOwnFile, finished: new Dictionary<string, SubtaskResult> { ["a"] = real with { Fingerprint = new string('0', 32) } }), TestDefaults.TimeoutToken());
        var afterStale = h.Built.ToList();
        h.Built.Clear();
        await h.Runner().RunAsync(h.Request(plan, DagHarness.WriteOwnFile, finished: new Dictionary<string, SubtaskResult> { ["a"] = real with { Commit = new string('e', 40) } }), TestDefaults.TimeoutToken());

        afterStale.ShouldBe(["a", "b"]);
        h.Built.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task RunAsync_FailingSubtask_DependentsSkippedWithTheReasonAndIndependentOnesRun()
    {
        using var h = await DagHarness.CreateAsync();
        var plan = new Plan([DagHarness.Step("a"), DagHarness.Step("b", "a"), DagHarness.Step("c"), DagHarness.Step("d", "b"), DagHarness.Step("e", "c")]);

        var result = await h.Runner().RunAsync(h.Request(plan, (work, token) =>
            work.Subtask.Id == "a"
                ? Task.FromResult(SubtaskResult.Stopped(work, "the tests for a kept failing"))
                : DagHarness.WriteOwnFile(work, token)), TestDefaults.TimeoutToken());

        var byId = result.Subtasks.ToDictionary(s => s.Id);
        byId["a"].Status.ShouldBe(SubtaskState.Failed);
        byId["a"].Reason.ShouldBe("the tests for a kept failing");
        byId["b"].Status.ShouldBe(SubtaskState.Skipped);
        byId["b"].Reason.ShouldBe("it depends on 'a', which failed: the tests for a kept failing");
        byId["d"].Status.ShouldBe(SubtaskState.Skipped);
        byId["d"].Reason.ShouldNotBeNull().ShouldStartWith("it depends on 'b', which was skipped because it depends on 'a'");
        byId["c"].Status.ShouldBe(SubtaskState.Completed);
        byId["e"].Status.ShouldBe(SubtaskState.Completed);
        h.Built.ShouldBe(["a", "c", "e"], ignoreOrder: true);
        File.Exists(Path.Combine(h.Workspace.Path, "a.txt")).ShouldBeFalse();
        File.ReadAllText(Path.Combine(h.Workspace.Path, "e.txt")).ShouldBe("from e\n");
        h.Show(result.HeadCommit, "c.txt").ShouldBe("from c\n");
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_SubtaskChangesNothing_CompletedAtTheCurrentCommitWithoutAMerge()
    {
        using var h = await DagHarness.CreateAsync();

        var result = await h.Runner().RunAsync(h.Request(new Plan([DagHarness.Step("a")]), (work, _) => Task.FromResult(SubtaskResult.Done(work, "nothing needed"))), TestDefaults.TimeoutToken());

        result.Succeeded.ShouldBeTrue();
        result.Merges.ShouldBe(0);
        result.Subtasks.Single().Commit.ShouldBe(h.Workspace.BaseCommit);
        result.HeadCommit.ShouldBe(h.Workspace.BaseCommit);
    }

    [Fact]
    public async Task RunAsync_CancelledMidWave_SubtaskWorktreesRemovedAndTheBranchUntouched()
    {
        using var h = await DagHarness.CreateAsync();
        var plan = new Plan([DagHarness.Step("b"), DagHarness.Step("c")]);
        var started = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var paths = new string[2];
        using var cancel = new CancellationTokenSource(TestDefaults.Timeout);

        var running = h.Runner().RunAsync(h.Request(plan, async (work, token) =>
        {
            var i = work.Subtask.Id == "b" ? 0 : 1;
            paths[i] = work.Workspace.Path;
            await File.WriteAllTextAsync(Path.Combine(work.Workspace.Path, "partial.txt"), "half-done\n", token);
            started[i].SetResult();
            await new TaskCompletionSource().Task.WaitAsync(token);
            return SubtaskResult.Done(work, "never");
        }), cancel.Token);
        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TestDefaults.Timeout);
        paths.ShouldAllBe(p => Directory.Exists(p));
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => running);

        paths.ShouldAllBe(p => !Directory.Exists(p));
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
        h.Branches().ShouldBe([h.Workspace.Branch]);
        (await h.Subtasks.CurrentCommitAsync(h.Workspace)).ShouldBe(h.Workspace.BaseCommit);
        h.Reports(SubtaskState.Completed).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_BuildFunctionThrows_SiblingsCancelledWorktreesRemovedAndTheErrorSurfaces()
    {
        using var h = await DagHarness.CreateAsync();
        var plan = new Plan([DagHarness.Step("b"), DagHarness.Step("c")]);
        var cStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cCancelled = false;

        var error = await Should.ThrowAsync<InvalidOperationException>(() => h.Runner().RunAsync(h.Request(plan, async (work, token) =>
        {
            if (work.Subtask.Id == "b")
            {
                await cStarted.Task.WaitAsync(TestDefaults.Timeout, token);
                throw new InvalidOperationException("the model provider is down");
            }
            cStarted.SetResult();
            try
            {
                await new TaskCompletionSource().Task.WaitAsync(TestDefaults.Timeout, token);
            }
            catch (OperationCanceledException)
            {
                cCancelled = true;
                throw;
            }
            return SubtaskResult.Done(work, "never");
        }), TestDefaults.TimeoutToken()));

        error.Message.ShouldBe("the model provider is down");
        cCancelled.ShouldBeTrue();
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
        h.Branches().ShouldBe([h.Workspace.Branch]);
    }

    [Fact]
    public async Task RunAsync_InvalidParallelismOrCyclicPlan_RefusedBeforeAnyWorktree()
    {
        using var h = await DagHarness.CreateAsync();

        var parallelism = await Should.ThrowAsync<ValidationException>(() => h.Runner(maxParallelism: 0).RunAsync(h.Request(DagHarness.Diamond(), DagHarness.WriteOwnFile), TestDefaults.TimeoutToken()));
        await Should.ThrowAsync<ValidationException>(() => h.Runner(maxParallelism: 17).RunAsync(h.Request(DagHarness.Diamond(), DagHarness.WriteOwnFile), TestDefaults.TimeoutToken()));
        await Should.ThrowAsync<PlanCycleException>(() => h.Runner().RunAsync(h.Request(new Plan([DagHarness.Step("a", "b"), DagHarness.Step("b", "a")]), DagHarness.WriteOwnFile), TestDefaults.TimeoutToken()));

        parallelism.Message.ShouldContain("Agent:Dag:MaxParallelism");
        h.Built.ShouldBeEmpty();
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
    }

    public static TheoryData<string, Plan> MalformedPlans => new()
    {
        { "path in an id", new Plan([DagHarness.Step("../escape")]) },
        { "option in an id", new Plan([DagHarness.Step("--force")]) },
        { "duplicate ids", new Plan([DagHarness.Step("a"), DagHarness.Step("a")]) },
        { "unknown dependency", new Plan([DagHarness.Step("a", "ghost")]) },
        { "no subtasks", new Plan([]) },
        { "oversized", new Plan([.. Enumerable.Range(0, PlanLimits.MaxSubtasks + 1).Select(i => DagHarness.Step($"s{i}"))]) },
    };

    [Theory]
    [MemberData(nameof(MalformedPlans))]
    public async Task RunAsync_MalformedPlan_RefusedBeforeAnyWorktree(string what, Plan plan)
    {
        using var h = await DagHarness.CreateAsync();

        var refused = await Should.ThrowAsync<ValidationException>(() => h.Runner().RunAsync(h.Request(plan, DagHarness.WriteOwnFile), TestDefaults.TimeoutToken()), what);

        refused.Message.ShouldContain("the plan cannot be run");
        h.Built.ShouldBeEmpty();
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_ResolverThrows_MergeAbortedTheErrorSurfacesAndNothingHalfMerged()
    {
        using var h = await DagHarness.CreateAsync(("shared.txt", "one\ntwo\nthree\n"));

        await Should.ThrowAsync<InvalidOperationException>(() => h.Runner().RunAsync(
            h.Request(DagHarness.Diamond(), EditSharedLine(_ => { }), (_, _) => throw new InvalidOperationException("resolver crashed")),
            TestDefaults.TimeoutToken()));

        var b = h.Progress.Single(p => p.Id == "b" && p.Status == SubtaskState.Completed).Commit;
        (await h.Subtasks.CurrentCommitAsync(h.Workspace)).ShouldBe(b);
        File.ReadAllText(Path.Combine(h.Workspace.Path, "shared.txt")).ShouldBe("one\ntwo by b\nthree\n");
        Directory.Exists(h.SubtaskFolder).ShouldBeFalse();
        h.Branches().ShouldBe([h.Workspace.Branch]);
    }

    /// <summary>a adds nothing; b and c rewrite the same line of shared.txt; d appends a line after looking at it.</summary>
    private static SubtaskBuilder EditSharedLine(Action<SubtaskWork> beforeD) =>
        async (work, token) =>
        {
            var file = Path.Combine(work.Workspace.Path, "shared.txt");
            switch (work.Subtask.Id)
            {
                case "b" or "c":
                    await File.WriteAllTextAsync(file, $"one\ntwo by {work.Subtask.Id}\nthree\n", token);
                    break;
                case "d":
                    beforeD(work);
                    await File.AppendAllTextAsync(file, "four by d\n", token);
                    break;
                default:
                    return await DagHarness.WriteOwnFile(work, token);
            }
            return SubtaskResult.Done(work, "edited shared.txt");
        };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
