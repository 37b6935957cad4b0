using System.Text.Json.Nodes;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// The real executor stopped right after the journal stored a subtask in the checkpoint and before the events that
/// report it, through the sequential scheduler (a chain) and the parallel one (a diamond); the next attempt resumes.
/// </summary>
public sealed class SubtaskJournalExecutionTests
{
    [Theory]
    [InlineData("1", "completed")]
    [InlineData("2", "built")]
    [InlineData("2", "completed")]
    public async Task ExecuteAsync_StoppedBetweenASubtasksCheckpointAndItsEvents_ResumeNeitherBuildsNorCommitsItAgain(string parallelism, string stored)
    {
        var chain = parallelism == "1";
        var script = new PlanScript(chain
            ? PlannedRuns.Plan(("a", []), ("b", ["a"]), ("c", ["b"]))
            : PlannedRuns.Plan(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])));
        using var harness = PlannedRuns.Harness(script, maxSteps: 40, s => s["Agent:Dag:MaxParallelism"] = parallelism);
        var task = harness.NewTask("Add some notes");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        run.OnCheckpoint = (json, _) =>
        {
            if (Status(json, "b") == stored && !cancel.IsCancellationRequested)
            {
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            }
        };

        var released = await harness.Executor.ExecuteAsync(run, cancel.Token);

        released.Kind.ShouldBe(OutcomeKind.Released, released.Reason);
        Status(run.Checkpoint!, "b").ShouldBe(stored);
        run.All("subtask.completed").Select(e => e.GetProperty("id").GetString()).ShouldNotContain("b");
        if (chain || stored == "built")
        {
            // The commit exists, but the crash came before the event that reports it.
            run.All("commit.created").Select(SubtaskOf).ShouldNotContain("b");
        }

        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        script.Built.Count(id => id == "b").ShouldBe(1);
        script.Built.Count(id => id == "a").ShouldBe(1);
        resumed.All("subtask.started").Select(e => e.GetProperty("id").GetString()).ShouldNotContain("b");
        var subjects = harness.Repo.RemoteGit("log", "--format=%s", $"main..{outcome.Branch}").Trim().Split('\n');
        subjects.Count(s => s.StartsWith(chain ? "Step b" : "Subtask b: Step b", StringComparison.Ordinal)).ShouldBe(1);
        harness.RemoteFile(outcome.Branch!, "b.txt").ShouldBe("b\n");
        Status(resumed.Checkpoint!, "b").ShouldBe("completed");
    }

    private static string? SubtaskOf(System.Text.Json.JsonElement commit) =>
        commit.TryGetProperty("subtask", out var id) ? id.GetString() : null;

    private static string? Status(string checkpoint, string id) =>
        JsonNode.Parse(checkpoint)!["subtasks"]!.AsArray().FirstOrDefault(s => s!["id"]!.GetValue<string>() == id)?["status"]?.GetValue<string>();
}
