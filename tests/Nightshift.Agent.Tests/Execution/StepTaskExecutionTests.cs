using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// Pipeline step tasks end to end with the real executor, real git and a bare remote, the real sandbox and the local
/// forge: agent steps and command steps continue the run's branch (created from the base when missing) and push onto
/// it without a pull request of their own; the run's pull request task opens one.
/// </summary>
public sealed class StepTaskExecutionTests
{
    private const string RunBranch = "nightshift/run-0a1b2c3d";

    private static ScriptedChatClient Fix(ScriptedChatClient model) => model
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()\n\nadd() subtracted its arguments." });

    private static ScriptedChatClient Div(ScriptedChatClient model) => model
        .ThenToolCall("write_file", new { path = "div.mjs", content = "export const div = (a, b) => a / b;\n" })
        .ThenToolCall("finish", new { summary = "Add div()" });

    private static TaskRecord Step(ExecutorHarness harness, string step, RunTaskKind kind = RunTaskKind.Agent, string? script = null,
        IReadOnlyDictionary<string, string>? environment = null, string instruction = "Fix add(): it subtracts instead of adding") =>
        harness.NewTask(instruction) with
        {
            Source = "pipeline",
            RunStep = new RunStepTask
            {
                RunId = "run_0a1b2c3d",
                Step = step,
                Kind = kind,
                Branch = RunBranch,
                Script = script,
                Environment = environment ?? new Dictionary<string, string>(),
            },
        };

    private static async Task<(RecordingRun Run, TaskOutcome Outcome)> RunAsync(ExecutorHarness harness, TaskRecord task)
    {
        var run = new RecordingRun(task);
        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());
        return (run, outcome);
    }

    private static JsonElement Details(TaskOutcome outcome)
    {
        using var document = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        return document.RootElement.Clone();
    }

    private static string[] RemoteBranches(ExecutorHarness harness) =>
        harness.Repo.RemoteGit("for-each-ref", "--format=%(refname:short)", "refs/heads/").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task ExecuteAsync_AgentStepOnAMissingRunBranch_CreatesItFromTheBaseAndOpensNoPullRequest()
    {
        using var harness = new ExecutorHarness(Fix(new ScriptedChatClient()));
        var main = harness.Repo.RemoteBranch("main")!;

        var (run, outcome) = await RunAsync(harness, Step(harness, "fix"));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(RunBranch);
        outcome.PullRequest.ShouldBeNull();
        run.PullRequest.ShouldBeNull();
        run.Types.ShouldNotContain("pr.opened");
        var head = harness.Repo.RemoteBranch(RunBranch).ShouldNotBeNull();
        harness.Repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(main);
        harness.RemoteFile(RunBranch, "calc.mjs").ShouldContain("return a + b;");
        RemoteBranches(harness).ShouldBe(["main", RunBranch], ignoreOrder: true);
        var output = Details(outcome).GetProperty("output");
        output.GetProperty("changed").GetBoolean().ShouldBeTrue();
        output.GetProperty("commit").GetString().ShouldBe(head);
        output.GetProperty("summary").GetString().ShouldStartWith("Fix add()");
        run.Last("workspace.ready").GetProperty("branch").GetString().ShouldBe(RunBranch);
    }

    [Fact]
    public async Task ExecuteAsync_SecondAgentStep_SeesTheFirstStepsCommitAndAddsItsOwn()
    {
        using var harness = new ExecutorHarness(Div(Fix(new ScriptedChatClient())));
        var (_, first) = await RunAsync(harness, Step(harness, "fix"));
        first.Kind.ShouldBe(OutcomeKind.Succeeded, first.Reason);
        var firstHead = harness.Repo.RemoteBranch(RunBranch)!;

        var (run, second) = await RunAsync(harness, Step(harness, "div", instruction: "Add a div module"));

        second.Kind.ShouldBe(OutcomeKind.Succeeded, second.Reason);
        var head = harness.Repo.RemoteBranch(RunBranch)!;
        harness.Repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(firstHead);
        harness.RemoteFile(RunBranch, "calc.mjs").ShouldContain("return a + b;");
        harness.RemoteFile(RunBranch, "div.mjs").ShouldContain("div");
        run.Last("workspace.ready").GetProperty("baseCommit").GetString().ShouldBe(firstHead);
    }

    [Fact]
    public async Task ExecuteAsync_ParallelStepPushedFirst_MergedUnderAndStillSucceeds()
    {
        ExecutorHarness? running = null;
        string? sibling = null;
        var model = new ScriptedChatClient()
            .Then(_ =>
            {
                // A parallel step of the run pushes to the run's branch while this step's agent works.
                var repo = running!.Repo;
                repo.Git("checkout", "--quiet", "-B", "sibling", "origin/main");
                repo.WriteFile("NOTES.md", "the sibling step's change\n");
                repo.Git("add", "--all");
                repo.Git("commit", "--quiet", "-m", "pipeline step notes");
                repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/" + RunBranch);
                sibling = repo.Git("rev-parse", "HEAD").Trim();
                return ScriptedChatClient.ToolCalls(("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" }, "fix_1"));
            })
            .ThenToolCall("finish", new { summary = "Fix add()" });
        using var harness = new ExecutorHarness(model);
        running = harness;

        var (_, outcome) = await RunAsync(harness, Step(harness, "fix"));

        // The merge is verified by the run's later steps, not held against this one.
        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var head = harness.Repo.RemoteBranch(RunBranch)!;
        harness.Repo.RemoteGit("rev-parse", head + "^2").Trim().ShouldBe(sibling);
        harness.RemoteFile(RunBranch, "NOTES.md").ShouldBe("the sibling step's change\n");
        harness.RemoteFile(RunBranch, "calc.mjs").ShouldContain("return a + b;");
        Details(outcome).GetProperty("output").GetProperty("commit").GetString().ShouldBe(head);
    }

    [Fact]
    public async Task ExecuteAsync_AgentStepWhoseChangeIsNotVerified_NeedsReviewOnTheRunBranchWithoutAPullRequest()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("write_file", new { path = "CHANGELOG.md", content = "- docs\n" })
            .ThenToolCall("finish", new { summary = "Add a changelog" })
            .ThenToolCall("finish", new { summary = "Add a changelog; the tests are fine" });
        using var harness = new ExecutorHarness(model);

        var (run, outcome) = await RunAsync(harness, Step(harness, "docs", instruction: "Add a changelog file"));

        outcome.Kind.ShouldBe(OutcomeKind.NeedsReview);
        outcome.Reason.ShouldNotBeNull().ShouldStartWith("the change was not verified: ");
        outcome.Branch.ShouldBe(RunBranch);
        outcome.PullRequest.ShouldBeNull();
        run.PullRequest.ShouldBeNull();
        harness.RemoteFile(RunBranch, "CHANGELOG.md").ShouldBe("- docs\n");
        Details(outcome).GetProperty("output").GetProperty("changed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_AgentStepThatOnlyAnswers_SucceedsWithTheAnswerAsOutput()
    {
        var model = new ScriptedChatClient().ThenToolCall("finish", new { summary = "Answered", answer = "add() subtracts" });
        using var harness = new ExecutorHarness(model);

        var (_, outcome) = await RunAsync(harness, Step(harness, "ask", instruction: "What is wrong with add()?"));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var output = Details(outcome).GetProperty("output");
        output.GetProperty("answer").GetString().ShouldBe("add() subtracts");
        output.GetProperty("changed").GetBoolean().ShouldBeFalse();
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepPrintingAJsonObject_ReportsItAsOutputAndPushesItsChange()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var script = "echo linting; printf 'two problems\\n' > lint.txt; echo '{\"error_count\":2,\"errors\":[\"a\",\"b\"]}'";

        var (run, outcome) = await RunAsync(harness, Step(harness, "lint", RunTaskKind.Command, script));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(RunBranch);
        var details = Details(outcome);
        details.GetProperty("exitCode").GetInt32().ShouldBe(0);
        details.GetProperty("output").GetProperty("error_count").GetInt32().ShouldBe(2);
        harness.RemoteFile(RunBranch, "lint.txt").ShouldBe("two problems\n");
        harness.Repo.RemoteGit("log", "-1", "--format=%s", RunBranch).Trim().ShouldBe("pipeline step lint");
        run.All("command.output").Any(e => e.GetProperty("purpose").GetString() == "step").ShouldBeTrue();
        var audited = run.Commands.ShouldHaveSingleItem();
        audited.Phase.ShouldBe("step");
        audited.Command.ShouldBe(script);
        audited.Network.ShouldBe("off");
        run.Types.ShouldContain("branch.pushed");
        run.Types.ShouldNotContain("pr.opened");
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepExitingThree_FailsWithItsOutputAndPushesNothing()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (_, outcome) = await RunAsync(harness, Step(harness, "test", RunTaskKind.Command,
            "touch made.txt; echo '{\"failed\":1}'; echo 'first' >&2; echo 'tests broke' >&2; exit 3"));

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldBe("the command exited with 3: tests broke");
        var details = Details(outcome);
        details.GetProperty("exitCode").GetInt32().ShouldBe(3);
        details.GetProperty("output").GetProperty("failed").GetInt32().ShouldBe(1);
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepValuesWithShellMetacharacters_StayLiteral()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        const string hostile = "$(touch pwned) `touch pwned2`; touch pwned3 && echo '\"quoted\"' | cat $HOME\n{{steps.x.output}}";

        var (_, outcome) = await RunAsync(harness, Step(harness, "echo", RunTaskKind.Command,
            "printf '%s' \"${NIGHTSHIFT_VALUE_1}\" > value.txt", new Dictionary<string, string> { ["NIGHTSHIFT_VALUE_1"] = hostile }));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        harness.RemoteFile(RunBranch, "value.txt").ShouldBe(hostile);
        var files = harness.Repo.RemoteGit("ls-tree", "--name-only", RunBranch);
        files.ShouldNotContain("pwned");
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("LD_PRELOAD")]
    [InlineData("NIGHTSHIFT_VALUE_x")]
    [InlineData("nightshift_value_1")]
    public async Task ExecuteAsync_CommandStepWithAnEnvironmentNameOtherThanAValue_FailsWithoutRunning(string name)
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (run, outcome) = await RunAsync(harness, Step(harness, "env", RunTaskKind.Command, "touch ran.txt",
            new Dictionary<string, string> { [name] = "x" }));

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain("NIGHTSHIFT_VALUE_1");
        run.Commands.ShouldBeEmpty();
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
    }

    [Theory]
    [InlineData("echo done")]
    [InlineData("echo '[1,2]'")]
    [InlineData("echo '{\"unterminated\": '")]
    [InlineData("echo '{\"a\":1}'; echo 'trailing words'")]
    public async Task ExecuteAsync_CommandStepWhoseLastLineIsNoJsonObject_SucceedsWithoutOutput(string script)
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (run, outcome) = await RunAsync(harness, Step(harness, "plain", RunTaskKind.Command, script));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var details = Details(outcome);
        details.TryGetProperty("output", out _).ShouldBeFalse();
        details.GetProperty("exitCode").GetInt32().ShouldBe(0);
        run.All("command.output").SelectMany(e => e.GetProperty("lines").EnumerateArray()).Select(l => l.GetString())
            .ShouldContain(l => l!.StartsWith("[nightshift] the step has no output", StringComparison.Ordinal));
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepWithHugeStdout_KeepsTheTailsOutputAndBoundsTheEvents()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (run, outcome) = await RunAsync(harness, Step(harness, "loud", RunTaskKind.Command,
            "i=0; while [ $i -lt 60000 ]; do echo \"line $i of a very chatty command\"; i=$((i+1)); done; echo '{\"lines\":60000}'"));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        Details(outcome).GetProperty("output").GetProperty("lines").GetInt32().ShouldBe(60000);
        run.All("command.output").Sum(e => e.GetProperty("lines").GetArrayLength()).ShouldBeLessThan(2_100);
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepWithAnOversizedJsonLine_HasNoOutput()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (_, outcome) = await RunAsync(harness, Step(harness, "big", RunTaskKind.Command,
            "printf '{\"blob\":\"'; head -c 70000 /dev/zero | tr '\\0' 'x'; printf '\"}\\n'"));

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        Details(outcome).TryGetProperty("output", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_CrashAfterTheCommand_ResumesByPushingWithoutRunningItAgain()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var task = Step(harness, "once", RunTaskKind.Command, "date +%s%N > stamp.txt; echo '{\"ran\":true}'");
        var run = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        // The worker stops right after the command's checkpoint is stored: committed, not pushed.
        run.OnCheckpoint = (_, token) =>
        {
            run.StopReason = StopReason.Shutdown;
            cancel.Cancel();
            token.ThrowIfCancellationRequested();
        };
        var released = await harness.Executor.ExecuteAsync(run, cancel.Token);
        released.Kind.ShouldBe(OutcomeKind.Released);
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
        run.Commands.Count(c => c.Phase == "step").ShouldBe(1);

        var resumed = new RecordingRun(task, run.Checkpoint, attempt: 2);
        var outcome = await harness.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        resumed.Commands.ShouldNotContain(c => c.Phase == "step");
        Details(outcome).GetProperty("output").GetProperty("ran").GetBoolean().ShouldBeTrue();
        harness.Repo.RemoteBranch(RunBranch).ShouldNotBeNull();
        harness.RemoteFile(RunBranch, "stamp.txt").ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ExecuteAsync_TwoCommandStepsAtOnce_BothLandOnTheRunBranch()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var a = Step(harness, "a", RunTaskKind.Command, "echo a > a.txt");
        var b = Step(harness, "b", RunTaskKind.Command, "echo b > b.txt");

        var outcomes = await Task.WhenAll(RunAsync(harness, a), RunAsync(harness, b));

        outcomes.ShouldAllBe(o => o.Outcome.Kind == OutcomeKind.Succeeded);
        harness.RemoteFile(RunBranch, "a.txt").ShouldBe("a\n");
        harness.RemoteFile(RunBranch, "b.txt").ShouldBe("b\n");
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepPastItsTimeout_TimesOutNamingTheStep()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var task = Step(harness, "slow", RunTaskKind.Command, "sleep 20");
        task = task with { RunStep = task.RunStep! with { TimeoutSeconds = 1 } };

        var (_, outcome) = await RunAsync(harness, task);

        outcome.Kind.ShouldBe(OutcomeKind.TimedOut, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("the step ran past its pipeline's timeout of 1 s");
        Details(outcome).GetProperty("limit").GetString().ShouldBe("step.timeout");
    }

    [Fact]
    public async Task ExecuteAsync_PullRequestTask_OpensTheRunBranchsPullRequestOnTheLocalForge()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        (await RunAsync(harness, Step(harness, "lint", RunTaskKind.Command, "echo fixed > lint.txt"))).Outcome.Kind.ShouldBe(OutcomeKind.Succeeded);
        var task = Step(harness, "pull-request", RunTaskKind.PullRequest);
        task = task with { RunStep = task.RunStep! with { PullRequestTitle = "lint-fix-test: lint\nsecond line", PullRequestBody = "| step | state |\n|---|---|\n| lint | succeeded |", Draft = true } };

        var (run, outcome) = await RunAsync(harness, task);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(RunBranch);
        var pull = run.PullRequest.ShouldNotBeNull();
        outcome.PullRequest.ShouldBe(pull.Reference);
        pull.Branch.ShouldBe(RunBranch);
        pull.BaseBranch.ShouldBe("main");
        pull.Title.ShouldBe("lint-fix-test: lint second line");
        pull.Body.ShouldContain("| lint | succeeded |");
        pull.Draft.ShouldBeTrue();
        pull.Diff.ShouldContain("+fixed");
        run.Types.ShouldContain("pr.opened");
        run.Commands.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_PerStepPullRequestTask_PushesThePublishBranchAtTheRunBranchsHead()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        (await RunAsync(harness, Step(harness, "lint", RunTaskKind.Command, "echo fixed > lint.txt"))).Outcome.Kind.ShouldBe(OutcomeKind.Succeeded);
        var task = Step(harness, "pull-request", RunTaskKind.PullRequest);
        task = task with { RunStep = task.RunStep! with { PublishBranch = RunBranch + "--lint", PullRequestTitle = "lint" } };

        var (run, outcome) = await RunAsync(harness, task);

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(RunBranch + "--lint");
        harness.Repo.RemoteBranch(RunBranch + "--lint").ShouldBe(harness.Repo.RemoteBranch(RunBranch));
        run.PullRequest.ShouldNotBeNull().Branch.ShouldBe(RunBranch + "--lint");
    }

    [Fact]
    public async Task ExecuteAsync_PullRequestTaskForAMissingRunBranch_FailsSayingSo()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());

        var (run, outcome) = await RunAsync(harness, Step(harness, "pull-request", RunTaskKind.PullRequest));

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldNotBeNull().ShouldContain(RunBranch);
        run.PullRequest.ShouldBeNull();
    }
}
