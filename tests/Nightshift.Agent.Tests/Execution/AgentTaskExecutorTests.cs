using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

public sealed class AgentTaskExecutorTests
{
    [Fact]
    public async Task ExecuteAsync_ModelFixesTheBug_VerificationPassesAndTheBranchIsPushed()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("read_file", new { path = "calc.mjs" })
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldNotBeNull().ShouldStartWith("nightshift/");
        harness.RemoteFile(outcome.Branch, "calc.mjs").ShouldContain("return a + b;");
        harness.Repo.RemoteGit("log", "-1", "--format=%B", outcome.Branch).ShouldContain($"Nightshift-Task: {run.Task.Id}");
        run.Types.ShouldContain("verify.passed");
        run.Types.ShouldContain("branch.pushed");
        run.Types.ShouldContain("pr.opened");
        run.Usage.Calls.ShouldBe(3);
        var pull = run.PullRequest;
        pull.ShouldNotBeNull();
        pull.Draft.ShouldBeFalse();
        pull.Diff.ShouldContain("+  return a + b;");
        pull.Body.ShouldContain("verification passed");
        outcome.PullRequest.ShouldBe(pull.Reference);
    }

    [Fact]
    public async Task ExecuteAsync_FirstFixBreaksAnotherTest_FeedbackLeadsToAPassingSecondRound()
    {
        string? feedback = null;
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a * b;", new_string = "return a * b + 1;" })
            .ThenToolCall("finish", new { summary = "Fix add" })
            .Then(call =>
            {
                feedback = call.LastMessage.Text;
                return ScriptedChatClient.ToolCalls(("edit_file", new { path = "calc.mjs", old_string = "return a * b + 1;", new_string = "return a * b;" }, "fix2"));
            })
            .ThenToolCall("finish", new { summary = "Fix add without breaking mul" });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        feedback.ShouldNotBeNull().ShouldContain("Failing: multiplies");
        run.Types.Count(t => t == "verify.failed").ShouldBe(1);
        run.Types.Count(t => t == "verify.passed").ShouldBe(1);
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldBe(ExecutorHarness.BuggyCalc.Replace("a - b", "a + b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_ModelLoops_StepBudgetEndsItAsNeedsReviewWithTheWorkKept()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("list_files", new { }, "l")) }
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" });
        using var harness = new ExecutorHarness(model, s => s["Agent:Budget:MaxSteps"] = "4");
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        outcome.Reason.ShouldNotBeNull().ShouldStartWith("the step budget of 4 model calls was used up");
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain("return a + b;");
    }

    [Fact]
    public async Task ExecuteAsync_WallTimeRunsOutMidTask_EndsItAsNeedsReviewWithTheWorkKept()
    {
        var time = new SteppedTimestamps();
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("list_files", new { }, "l")) }
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .Then(_ =>
            {
                // The model's second answer arrives 46 minutes into the task: past the 45-minute budget.
                time.Advance(TimeSpan.FromMinutes(46));
                return ScriptedChatClient.ToolCalls(("list_files", new { }, "after"));
            });
        using var harness = new ExecutorHarness(model, s => s["Agent:Budget:MaxWallTime"] = "00:45:00", time);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        outcome.Reason.ShouldNotBeNull().ShouldStartWith("the time budget of 45 minutes was used up");
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain("return a + b;");
        model.Calls.Count.ShouldBeLessThan(6, "no model call is made once the budget is spent");
    }

    [Fact]
    public async Task ExecuteAsync_CancelledMidCommand_KillsTheCommandAndEndsCancelled()
    {
        var started = new TaskCompletionSource();
        var seconds = 900 + Random.Shared.Next(99);
        var model = new ScriptedChatClient()
            .Then(_ =>
            {
                started.TrySetResult();
                return ScriptedChatClient.ToolCalls(("run", new { command = $"sleep {seconds}; true" }, "s"));
            });
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());
        using var cancel = new CancellationTokenSource();

        var execution = harness.Executor.ExecuteAsync(run, cancel.Token);
        await started.Task.WaitAsync(TestDefaults.Timeout);
        await TestDefaults.WaitUntilAsync(() => TestKit.Sandbox.HostProcesses.WithMarker($"sleep {seconds}").Count > 0, "the command runs");
        run.StopReason = StopReason.CancelRequested;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cancel.CancelAsync();
        var outcome = await execution.WaitAsync(TestDefaults.Timeout);

        outcome.Kind.ShouldBe(OutcomeKind.Cancelled);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        TestKit.Sandbox.HostProcesses.WithMarker($"sleep {seconds}").ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_BrokenRepoConfig_FailsWithTheParsersMessage()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        harness.Repo.Commit("typo", (".nightshift.yml", "tests: node --test\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("unknown key 'tests'");
    }

    [Fact]
    public async Task ExecuteAsync_RefusedRepository_FailsAndSaysWhichSettingAllowsIt()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var run = new RecordingRun(harness.NewTask() with { Repo = "file:///etc" });

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("file://");
    }

    [Fact]
    public async Task ExecuteAsync_ResumedAfterBuild_DoesNotCallTheModelAgain()
    {
        var first = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(first);
        var task = harness.NewTask();
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        // The worker shuts down exactly when verification of the built change starts: the build is checkpointed, nothing after it.
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

        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        released.Kind.ShouldBe(OutcomeKind.Released);
        run.Types.ShouldNotContain("pr.opened");
        run.Checkpoint.ShouldNotBeNull().ShouldContain("\"stage\":\"built\"");
        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        first.Calls.Count.ShouldBe(2);
        resumed.Types.ShouldNotContain("model.request");
        resumed.Types.ShouldContain("verify.passed");
    }

    [Fact]
    public async Task ExecuteAsync_PlannedCheckpointAsTheStringTypedVersionWroteIt_ResumesWithoutPlanningAgain()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model, s => s["Agent:Planning"] = "always");
        var task = harness.NewTask();
        // Byte for byte what the executor wrote after planning while stages and plan modes were strings.
        const string checkpoint =
            """{"stage":"planned","summary":null,"verificationPassed":null,"verificationSummary":null,"rounds":0,"commit":null,"stopReason":null""" +
            ""","plan":"{\u0022subtasks\u0022:[{\u0022id\u0022:\u0022task\u0022,\u0022title\u0022:\u0022Fix add\u0022,\u0022description\u0022:\u0022Fix add(): it subtracts instead of adding\u0022,\u0022depends_on\u0022:[],\u0022priority\u0022:0,\u0022files\u0022:[],\u0022acceptance\u0022:[]}]}","planMode":"single","awaitingApproval":false""" +
            ""","approved":false,"subtasks":[],"errorSignatures":[],"debugMode":false,"outOfScope":[],"preExistingFedBack":false,"stillFailing":[],"noChange":false,"answer":null}""";
        var run = new RecordingRun(task, checkpoint, attempt: 2);

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.Types.ShouldNotContain("plan.ready");
        run.Types.ShouldNotContain("plan.skipped");
        model.Calls.Count.ShouldBe(2, "the stored one-subtask plan is built at once, with no plan agent");
        harness.RemoteFile(outcome.Branch!, "calc.mjs").ShouldContain("return a + b;");
        run.Checkpoint.ShouldNotBeNull().ShouldContain("\"stage\":\"published\"");
        run.Checkpoint.ShouldContain("\"planMode\":\"single\"");
    }

    [Fact]
    public async Task ExecuteAsync_RepositoryHasAgentsMd_ItsTextReachesTheBuildPrompt()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("maintainers' notes", ("AGENTS.md", "# Notes\n\n- Always say marker-7f3a when you are unsure.\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var task = model.Calls[0].Messages.Where(m => m.Role == Microsoft.Extensions.AI.ChatRole.User).ShouldHaveSingleItem().Text;
        task.ShouldContain("The repository's AGENTS.md");
        task.ShouldContain("- Always say marker-7f3a when you are unsure.");
    }

    [Fact]
    public async Task ExecuteAsync_ProviderStillDownAfterItsRetries_AsksTheQueueToRetryWithTheProvidersMessage()
    {
        var model = new ScriptedChatClient().ThenThrow(new Nightshift.Models.Errors.ModelProviderException(
            "openai", Nightshift.Models.Errors.ModelFailureKind.ServerError, "openai answered 503 on 5 attempts: try again later or configure a fallback model"));
        using var harness = new ExecutorHarness(model);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.RetryableFailure);
        outcome.Reason.ShouldNotBeNull().ShouldContain("openai answered 503 on 5 attempts");
    }
}
