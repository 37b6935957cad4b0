using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// The jail's cache folder through the real executor and bubblewrap: a task's setup and commands write to a cache of
/// the task's own, so nothing one task runs can plant something a later task on the same repository reads.
/// </summary>
public sealed class TaskCacheTests
{
    // Plants a file in the npm cache, and fails when one is already there (left by another task).
    private const string Config =
        "setup: \"if [ -e /cache/npm/planted ]; then echo POISONED-BY-AN-EARLIER-TASK; exit 3; fi; echo planted > /cache/npm/planted\"\n" +
        "test: node --test\nnetwork: off\n";

    [Fact]
    public async Task ExecuteAsync_EarlierTaskWroteIntoTheCache_LaterTaskOnTheSameRepositoryDoesNotSeeIt()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("finish", new { summary = "Fix add" }, "f")) }
            .ThenToolCall("run", new { command = "cat /cache/npm/planted && echo from-task-a > /cache/xdg/from-a" }, "seen")
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" })
            .ThenToolCall("run", new { command = "ls -A /cache/npm /cache/xdg; echo listed" }, "listed")
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("setup that writes the cache", (".nightshift.yml", Config));

        var first = new RecordingRun(harness.NewTask());
        var a = await harness.Executor.ExecuteAsync(first, TestDefaults.TimeoutToken());
        var second = new RecordingRun(harness.NewTask());
        var b = await harness.Executor.ExecuteAsync(second, TestDefaults.TimeoutToken());

        a.Kind.ShouldBe(OutcomeKind.Succeeded, a.Reason);
        b.Kind.ShouldBe(OutcomeKind.Succeeded, b.Reason);
        ResultOf(model, "seen").ShouldContain("planted");
        var listing = ResultOf(model, "listed");
        listing.ShouldContain("listed");
        // B's own setup planted its own file (and would have failed had it found A's); what A's agent wrote is not there.
        listing.ShouldNotContain("from-a");
        // Both tasks succeeded, so their worktrees were released and their caches went with them.
        Directory.Exists(Path.Combine(harness.Data, "task-cache", first.Task.Id)).ShouldBeFalse();
        Directory.Exists(Path.Combine(harness.Data, "task-cache", second.Task.Id)).ShouldBeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_TaskIsResumed_FindsItsOwnCacheAgain()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("run", new { command = "echo mine > /cache/xdg/note" })
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model);
        var task = harness.NewTask();
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        run.OnEvent = (type, data, token) =>
        {
            if (type == "verify.started" && !data.GetProperty("baseline").GetBoolean())
            {
                run.StopReason = StopReason.Shutdown;
                cancel.Cancel();
                token.ThrowIfCancellationRequested();
            }
        };

        var released = await harness.Executor.ExecuteAsync(run, cancel.Token);
        var kept = Path.Combine(harness.Data, "task-cache", task.Id, "xdg", "note");
        var keptText = File.Exists(kept) ? File.ReadAllText(kept) : null;
        var outcome = await harness.Executor.ExecuteAsync(new RecordingRun(task, run.Checkpoint, attempt: 2), TestDefaults.TimeoutToken());

        released.Kind.ShouldBe(OutcomeKind.Released);
        keptText.ShouldBe("mine\n");
        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        File.Exists(kept).ShouldBeFalse();
    }

    private static string ResultOf(ScriptedChatClient model, string callId) =>
        model.Calls.SelectMany(c => c.ToolResults).Last(r => r.CallId == callId).Result?.ToString() ?? "";
}
