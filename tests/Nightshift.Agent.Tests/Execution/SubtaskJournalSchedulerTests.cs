using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Dag;
using Nightshift.Core.Planning;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// Both schedulers over the one journal, on a real repository with real worktrees, commits and merges; the build agent
/// is a function that writes one file per subtask.
/// </summary>
public sealed class SubtaskJournalSchedulerTests
{
    [Fact]
    public async Task RunAsync_SamePlanThroughBothSchedulers_EverySubtaskGetsTheSameJournalEvents()
    {
        using var one = await DagHarness.CreateAsync();
        using var two = await DagHarness.CreateAsync();
        var plan = DagHarness.Diamond();
        var sequential = new JournalRun(plan);
        var parallel = new JournalRun(plan);

        var bySequential = await Sequential().RunAsync(Schedule(one, plan, sequential), TestDefaults.TimeoutToken());
        var byParallel = await Parallel(two).RunAsync(Schedule(two, plan, parallel), TestDefaults.TimeoutToken());

        bySequential.Select(r => r.Id).ShouldBe(["a", "b", "c", "d"]);
        byParallel.Select(r => r.Id).Order(StringComparer.Ordinal).ShouldBe(["a", "b", "c", "d"]);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            sequential.Of(id).ShouldBe(["subtask.started", "commit.created", "subtask.completed"], id);
            parallel.Of(id).ShouldBe(sequential.Of(id), id);
            var started = (Sequential: Payload(sequential, "subtask.started", id), Parallel: Payload(parallel, "subtask.started", id));
            Take(started.Sequential, "worktree").ShouldBe("task");
            Take(started.Parallel, "worktree").ShouldBe("own");
            started.Parallel.ShouldBe(started.Sequential);
            var completed = (Sequential: Payload(sequential, "subtask.completed", id), Parallel: Payload(parallel, "subtask.completed", id));
            Take(completed.Sequential, "commit")!.Length.ShouldBe(40);
            Take(completed.Parallel, "commit")!.Length.ShouldBe(40);
            completed.Parallel.ShouldBe(completed.Sequential);
        }
        // Sequentially the last subtask's commit is the branch; in parallel the last merge is.
        sequential.Checkpoint.Commit.ShouldBe(await one.Subtasks.CurrentCommitAsync(one.Workspace));
        parallel.Checkpoint.Commit.ShouldBe(await two.Subtasks.CurrentCommitAsync(two.Workspace));
        sequential.Checkpoint.Subtasks.ShouldAllBe(s => s.Status == SubtaskState.Completed);
        parallel.Checkpoint.Subtasks.ShouldAllBe(s => s.Status == SubtaskState.Completed && s.SubtaskCommit != null);
        sequential.Unknown.ShouldBeEmpty();
        parallel.Unknown.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_SequentialCrashBetweenCheckpointAndEvents_ResumeSkipsTheSubtaskAndCommitsItOnce()
    {
        using var h = await DagHarness.CreateAsync();
        var plan = new Plan([DagHarness.Step("a"), DagHarness.Step("b", "a")]);
        var first = new JournalRun(plan) { CrashAfter = c => c.Subtasks.Any(s => s is { Id: "a", Status: SubtaskState.Completed }) };

        await Should.ThrowAsync<IOException>(() => Sequential().RunAsync(Schedule(h, plan, first), TestDefaults.TimeoutToken()));

        first.Entries.ShouldBe([("subtask.started", "a")]);
        var resumed = new JournalRun(plan, first.Checkpoint);
        var results = await Sequential().RunAsync(Schedule(h, plan, resumed) with { Earlier = resumed.Earlier }, TestDefaults.TimeoutToken());

        results.Select(r => r.Id).ShouldBe(["b"]);
        h.Built.ShouldBe(["a", "b"]);
        resumed.Entries.ShouldBe([("subtask.skipped", "a"), ("subtask.started", "b"), ("commit.created", "b"), ("subtask.completed", "b")]);
        Subjects(h).ShouldBe(["Subtask b", "Subtask a"]);
        resumed.Unknown.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(SubtaskState.Built)]
    [InlineData(SubtaskState.Completed)]
    public async Task RunAsync_ParallelCrashBetweenCheckpointAndEvents_ResumeNeitherBuildsNorCommitsTheSubtaskAgain(SubtaskState crashedAt)
    {
        using var h = await DagHarness.CreateAsync();
        var plan = DagHarness.Diamond();
        var first = new JournalRun(plan) { CrashAfter = c => c.Subtasks.Any(s => s.Id == "b" && s.Status == crashedAt) };

        await Should.ThrowAsync<IOException>(() => Parallel(h).RunAsync(Schedule(h, plan, first), TestDefaults.TimeoutToken()));

        // The crash came after the checkpoint and before the event that reports it.
        first.Of("b").ShouldBe(crashedAt == SubtaskState.Built ? ["subtask.started"] : ["subtask.started", "commit.created"]);
        var builtBefore = h.Built.Count(id => id == "b");
        var resumed = new JournalRun(plan, first.Checkpoint);
        var results = await Parallel(h).RunAsync(Schedule(h, plan, resumed) with { Earlier = resumed.Earlier }, TestDefaults.TimeoutToken());

        results.ShouldAllBe(r => r.Status == SubtaskState.Completed);
        h.Built.Count(id => id == "b").ShouldBe(builtBefore);
        h.Built.Count(id => id == "a").ShouldBe(1);
        resumed.Of("b").ShouldNotContain("subtask.started");
        Subjects(h).Count(s => s == "Subtask b: Title of b").ShouldBe(1);
        Subjects(h).Count(s => s == "Merge subtask b: Title of b").ShouldBe(1);
        File.ReadAllText(Path.Combine(h.Workspace.Path, "b.txt")).ShouldBe("from b\n");
        resumed.Unknown.ShouldBeEmpty();
    }

    private static SequentialSubtaskScheduler Sequential() => new();

    private static ParallelSubtaskScheduler Parallel(DagHarness h) =>
        new(h.Subtasks, Options.Create(new DagOptions { MaxParallelism = 2 }), NullLogger<ParallelSubtaskScheduler>.Instance);

    private static SubtaskSchedule Schedule(DagHarness h, Plan plan, JournalRun journal) =>
        new(plan, h.Workspace, (work, token) =>
        {
            h.Built.Enqueue(work.Subtask.Id);
            return DagHarness.WriteOwnFile(work, token);
        }, journal.Journal)
        {
            Commit = (work, _, token) => h.Services.Tasks.CommitAsync(work.Workspace, new CommitRequest($"Subtask {work.Subtask.Id}"), token),
        };

    private static Dictionary<string, string?> Payload(JournalRun journal, string type, string id) =>
        journal.Run.All(type).Single(e => e.GetProperty("id").GetString() == id).EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(), StringComparer.Ordinal);

    private static string? Take(Dictionary<string, string?> payload, string name) => payload.Remove(name, out var value) ? value : "(missing)";

    private static IReadOnlyList<string> Subjects(DagHarness h) =>
        GitCli.Run(h.Mirror, "log", "--format=%s", $"{h.Workspace.BaseCommit}..refs/heads/{h.Workspace.Branch}").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
