using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class RunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plan_QueuedRun_StartsEveryStepWithoutDependenciesAtOnceAndNothingElse()
    {
        var definition = Definition(Command("a"), Command("b"), Command("c", "a", "b"));

        var plan = RunPlanner.Plan(Input(definition, Run(RunState.Queued)));

        plan.Started.ShouldBeTrue();
        plan.State.ShouldBe(RunState.Running);
        plan.Starts.Select(s => s.Step).ShouldBe(["a", "b"]);
        plan.Events.Select(e => e.Type).ShouldBe([EventTypes.RunStarted]);
        plan.Ending.ShouldBeNull();
        plan.Steps.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_CommandStep_SubmitsTheScriptWithValuesInTheEnvironmentNeverInTheText()
    {
        var definition = Definition(Command("lint"), Command("test", "lint") with { Run = "echo {{ steps.lint.output.msg }}" });
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"msg":"$(rm -rf /)"}"""), Row("test") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        var start = plan.Starts.ShouldHaveSingleItem();
        start.Kind.ShouldBe(PipelineStepKind.Command);
        start.RunStep.Kind.ShouldBe(RunTaskKind.Command);
        start.RunStep.Branch.ShouldBe("nightshift/run-run00001");
        start.RunStep.Script!.ShouldNotContain("rm -rf");
        start.RunStep.Environment.Values.ShouldContain("$(rm -rf /)");
    }

    [Fact]
    public void Plan_AgentStep_RendersTheInstructionFromOutputsAndInputsAndCarriesModelBudgetAndTimeout()
    {
        var definition = Definition(
            Command("lint"),
            Agent("fix", "Fix {{steps.lint.output.errors}} in {{ inputs.package }}", "lint") with { Model = "openai/gpt-4.1", MaxCostUsd = 2m, Timeout = TimeSpan.FromMinutes(5) });
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"errors":"a.js:1"}"""), Row("fix") };

        var plan = RunPlanner.Plan(Input(definition, Run(inputs: new() { ["package"] = "left-pad" }), rows));

        var start = plan.Starts.ShouldHaveSingleItem();
        start.Instruction.ShouldBe("Fix a.js:1 in left-pad");
        start.Model.ShouldBe("openai/gpt-4.1");
        start.RunStep.MaxCostUsd.ShouldBe(2m);
        start.RunStep.TimeoutSeconds.ShouldBe(300);
        start.RunStep.Kind.ShouldBe(RunTaskKind.Agent);
    }

    [Fact]
    public void Plan_InputWithDefaultNotGiven_UsesTheDefault()
    {
        var definition = Definition(Agent("a", "Update {{inputs.package}}")) with { Inputs = [new PipelineInput("package", Default: "react")] };

        var plan = RunPlanner.Plan(Input(definition, Run()));

        plan.Starts.ShouldHaveSingleItem().Instruction.ShouldBe("Update react");
    }

    [Fact]
    public void Plan_ConditionFalse_SkipsTheStepQuotingTheValuesItSaw()
    {
        var definition = Definition(Command("lint"), Agent("fix", "Fix", "lint") with { Condition = "steps.lint.output.error_count > 0" });
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"error_count":0}"""), Row("fix") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        var fix = plan.Steps.ShouldHaveSingleItem();
        fix.State.ShouldBe(StepState.Skipped);
        fix.Reason.ShouldBe("condition `steps.lint.output.error_count > 0` is false (steps.lint.output.error_count = 0)");
        plan.Events.Select(e => e.Type).ShouldContain(EventTypes.StepSkipped);
        plan.Starts.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_ConditionTrue_StartsTheStep()
    {
        var definition = Definition(Command("lint"), Agent("fix", "Fix", "lint") with { Condition = "steps.lint.output.error_count > 0 and steps.lint.status == 'succeeded'" });
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"error_count":3}"""), Row("fix") };

        RunPlanner.Plan(Input(definition, Run(), rows)).Starts.ShouldHaveSingleItem().Step.ShouldBe("fix");
    }

    [Fact]
    public void Plan_SkippedDependency_DoesNotBlockItsDependantsInTheSamePass()
    {
        var definition = Definition(
            Command("lint"),
            Agent("fix", "Fix", "lint") with { Condition = "steps.lint.output.error_count > 0" },
            Command("test", "fix"));
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"error_count":0}"""), Row("fix"), Row("test") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("test");
        plan.State.ShouldBe(RunState.Running);
    }

    [Fact]
    public void Plan_ConditionOnMissingOutput_FailsTheStepWithTheMessageAndStopsTheRun()
    {
        var definition = Definition(Command("lint"), Agent("fix", "Fix", "lint") with { Condition = "steps.lint.output.error_count > 0" }, Command("test", "fix"));
        var rows = new[] { Row("lint", StepState.Succeeded), Row("fix"), Row("test") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        var fix = plan.Steps.Single(s => s.Name == "fix");
        fix.State.ShouldBe(StepState.Failed);
        fix.Reason!.ShouldStartWith("its condition `steps.lint.output.error_count > 0` could not be evaluated: ");
        plan.Steps.Single(s => s.Name == "test").Reason.ShouldBe("the run stopped after step fix failed");
        plan.State.ShouldBe(RunState.Failed);
        plan.Ending!.Reason!.ShouldStartWith("step fix failed: ");
        plan.Events[^1].Type.ShouldBe(EventTypes.RunFailed);
    }

    [Fact]
    public void Plan_TemplateWithMissingOutput_FailsTheStepNamingTheReference()
    {
        var definition = Definition(Command("lint"), Agent("fix", "Fix {{steps.lint.output.errors}}", "lint") with { OnFailure = FailurePolicy.Continue });
        var rows = new[] { Row("lint", StepState.Succeeded, output: """{"count":1}"""), Row("fix") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        var fix = plan.Steps.ShouldHaveSingleItem();
        fix.State.ShouldBe(StepState.Failed);
        fix.Reason!.ShouldStartWith("its instruction could not be filled in: ");
        fix.Reason.ShouldContain("steps.lint.output.errors");
        plan.State.ShouldBe(RunState.NeedsReview);
        plan.Starts.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_RunningStepsTaskSucceeded_RecordsTheOutputAndStartsTheNextLayer()
    {
        var definition = Definition(Command("lint"), Command("test", "lint"));
        var rows = new[] { Row("lint", StepState.Running, task: "t-lint"), Row("test") };
        var results = Results(("lint", new StepTaskResult("t-lint", TaskState.Succeeded, """{"error_count":0}""")));

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, results));

        var lint = plan.Steps.ShouldHaveSingleItem();
        lint.State.ShouldBe(StepState.Succeeded);
        lint.Output.ShouldBe("""{"error_count":0}""");
        lint.FinishedAt.ShouldBe(Now);
        plan.Events.ShouldHaveSingleItem().Type.ShouldBe(EventTypes.StepSucceeded);
        JsonDocument.Parse(plan.Events[0].DataJson).RootElement.GetProperty("output").GetProperty("error_count").GetInt32().ShouldBe(0);
        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("test");
    }

    [Fact]
    public void Plan_TaskOutputNotAnObject_IsDropped()
    {
        var definition = Definition(Command("lint"));
        var rows = new[] { Row("lint", StepState.Running, task: "t-lint") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("lint", new StepTaskResult("t-lint", TaskState.Succeeded, "[1,2]")))));

        plan.Steps.ShouldHaveSingleItem().Output.ShouldBeNull();
    }

    [Fact]
    public void Plan_ResultOfAnotherTask_IsIgnored()
    {
        var definition = Definition(Command("lint"));
        var rows = new[] { Row("lint", StepState.Running, task: "t-new") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("lint", new StepTaskResult("t-old", TaskState.Failed, Reason: "old")))));

        plan.Steps.ShouldBeEmpty();
        plan.State.ShouldBe(RunState.Running);
    }

    [Fact]
    public void Plan_TaskEndedNeedsReview_FailsTheStepAsNotVerified()
    {
        var definition = Definition(Agent("fix", "Fix"));
        var rows = new[] { Row("fix", StepState.Running, task: "t1") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("fix", new StepTaskResult("t1", TaskState.NeedsReview, Reason: "2 tests still fail")))));

        var fix = plan.Steps.ShouldHaveSingleItem();
        fix.State.ShouldBe(StepState.Failed);
        fix.Reason.ShouldBe("the change was not verified: 2 tests still fail");
        plan.State.ShouldBe(RunState.Failed);
    }

    [Theory]
    [InlineData(TaskState.Failed, "exit code 2")]
    [InlineData(TaskState.TimedOut, "its task timed out: exit code 2")]
    [InlineData(TaskState.Cancelled, "its task was cancelled: exit code 2")]
    [InlineData(TaskState.Dead, "every attempt of its task failed: exit code 2")]
    public void Plan_TaskEndedBadly_FailsTheStepWithTheReason(TaskState state, string reason)
    {
        var definition = Definition(Command("a"));
        var rows = new[] { Row("a", StepState.Running, task: "t1") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("t1", state, Reason: "exit code 2")))));

        plan.Steps.ShouldHaveSingleItem().Reason.ShouldBe(reason);
    }

    [Fact]
    public void Plan_FailureWithStop_StartsNothingNewLetsRunningStepsFinishThenFails()
    {
        var definition = Definition(Command("a"), Command("b"), Command("c", "a"), Command("d", "b"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b", StepState.Running, task: "tb"), Row("c"), Row("d") };

        var first = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("ta", TaskState.Failed, Reason: "lint crashed")))));

        first.Starts.ShouldBeEmpty();
        first.State.ShouldBe(RunState.Running);
        first.Ending.ShouldBeNull();
        first.Steps.Single(s => s.Name == "c").State.ShouldBe(StepState.Skipped);
        first.Steps.Single(s => s.Name == "d").Reason.ShouldBe("the run stopped after step a failed");

        var after = Apply(rows, first.Steps);
        var second = RunPlanner.Plan(Input(definition, Run(), after, Results(("b", new StepTaskResult("tb", TaskState.Succeeded)))));

        second.State.ShouldBe(RunState.Failed);
        second.Ending.ShouldBe(new RunEnding(RunState.Failed, "step a failed: lint crashed", 1, 1, 2));
        second.PullRequest.ShouldBeNull();
        second.Events[^1].Type.ShouldBe(EventTypes.RunFailed);
    }

    [Fact]
    public void Plan_FailureWithContinue_RunsDependantsAndEndsNeedsReview()
    {
        var definition = Definition(Command("a") with { OnFailure = FailurePolicy.Continue }, Command("b", "a"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("ta", TaskState.Failed, """{"n":1}""", "exit code 1")))));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("b");
        var failed = JsonDocument.Parse(plan.Events.Single(e => e.Type == EventTypes.StepFailed).DataJson).RootElement;
        failed.GetProperty("continued").GetBoolean().ShouldBeTrue();
        plan.Steps.Single(s => s.Name == "a").Output.ShouldBe("""{"n":1}""");

        var end = RunPlanner.Plan(Input(definition, Run(), Apply(rows, [.. plan.Steps, Row("b", StepState.Succeeded, task: "tb")])));
        end.State.ShouldBe(RunState.NeedsReview);
        end.Ending!.Reason.ShouldBe("step a failed and the run went on (on_failure: continue): a: exit code 1");
        end.Events[^1].Type.ShouldBe(EventTypes.RunNeedsReview);
    }

    [Fact]
    public void Plan_StepRequiresApproval_WaitsWithoutATaskAndTheRunHoldsNothing()
    {
        var definition = Definition(Command("a"), Command("b", "a") with { RequiresApproval = true });
        var rows = new[] { Row("a", StepState.Succeeded), Row("b") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        plan.Starts.ShouldBeEmpty();
        plan.State.ShouldBe(RunState.AwaitingApproval);
        plan.Steps.ShouldHaveSingleItem().State.ShouldBe(StepState.AwaitingApproval);
        plan.Events.ShouldHaveSingleItem().Type.ShouldBe(EventTypes.StepAwaitingApproval);

        var again = RunPlanner.Plan(Input(definition, Run(RunState.AwaitingApproval), Apply(rows, plan.Steps)));
        again.Events.ShouldBeEmpty();
        again.Steps.ShouldBeEmpty();
        again.State.ShouldBe(RunState.AwaitingApproval);
    }

    [Fact]
    public void Plan_ApprovedStep_Starts()
    {
        var definition = Definition(Command("a", []) with { RequiresApproval = true });
        var rows = new[] { Row("a") with { DecidedBy = "ada", DecidedAt = Now } };

        var plan = RunPlanner.Plan(Input(definition, Run(RunState.AwaitingApproval), rows));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("a");
        plan.State.ShouldBe(RunState.Running);
    }

    [Fact]
    public void Plan_RejectedStep_CountsAsSkippedAndItsDependantsGoOn()
    {
        var definition = Definition(Command("a", []) with { RequiresApproval = true }, Command("b", "a"));
        var rows = new[] { Row("a", StepState.Skipped) with { Reason = "rejected by ada: not today", DecidedBy = "ada" }, Row("b") };

        var plan = RunPlanner.Plan(Input(definition, Run(RunState.AwaitingApproval), rows));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("b");
    }

    [Fact]
    public void Plan_StepAwaitingApprovalWhileAnotherRuns_RunIsRunning()
    {
        var definition = Definition(Command("a"), Command("b") with { RequiresApproval = true });

        var plan = RunPlanner.Plan(Input(definition, Run(RunState.Queued)));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("a");
        plan.State.ShouldBe(RunState.Running);
    }

    [Fact]
    public void Plan_CancelRequested_CancelsRunningTasksAndEveryUnfinishedStepAndEndsTheRun()
    {
        var definition = Definition(Command("a"), Command("b"), Command("c", "a") with { RequiresApproval = true }, Command("d", "c"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b", StepState.Succeeded, task: "tb"), Row("c", StepState.AwaitingApproval), Row("d") };

        var plan = RunPlanner.Plan(Input(definition, Run(RunState.Running) with { CancelRequested = true }, rows));

        plan.CancelTasks.ShouldBe(["ta"]);
        plan.State.ShouldBe(RunState.Cancelled);
        plan.Steps.Select(s => (s.Name, s.State)).ShouldBe([("a", StepState.Cancelled), ("c", StepState.Cancelled), ("d", StepState.Cancelled)]);
        plan.Starts.ShouldBeEmpty();
        plan.PullRequest.ShouldBeNull();
        plan.Events.ShouldHaveSingleItem().Type.ShouldBe(EventTypes.RunCancelled);
        plan.Ending!.Succeeded.ShouldBe(1);
    }

    [Fact]
    public void Plan_CancelRequestedAfterATaskEnded_KeepsThatResult()
    {
        var definition = Definition(Command("a"));
        var rows = new[] { Row("a", StepState.Running, task: "ta") };

        var plan = RunPlanner.Plan(Input(definition, Run() with { CancelRequested = true }, rows, Results(("a", new StepTaskResult("ta", TaskState.Succeeded)))));

        plan.Steps.ShouldHaveSingleItem().State.ShouldBe(StepState.Succeeded);
        plan.CancelTasks.ShouldBeEmpty();
        plan.State.ShouldBe(RunState.Cancelled);
    }

    [Fact]
    public void Plan_AllSucceededAndAStepPushed_AsksForOnePullRequestBeforeEnding()
    {
        var definition = Definition(Command("a"), Agent("b", "Do", "a")) with { Description = "Lint and fix" };
        var rows = new[] { Row("a", StepState.Succeeded, task: "ta"), Row("b", StepState.Running, task: "tb") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("b", new StepTaskResult("tb", TaskState.Succeeded, """{"changed":true}""", Pushed: true)))));

        plan.Ending.ShouldBe(new RunEnding(RunState.Succeeded, null, 2, 0, 0));
        plan.State.ShouldBe(RunState.Running);
        var pr = plan.PullRequest.ShouldNotBeNull();
        pr.Key.ShouldBe("pull-request");
        pr.Title.ShouldBe("pipe: Lint and fix");
        pr.Draft.ShouldBeFalse();
        pr.Body.ShouldContain("| b | succeeded |");
        plan.Events.Select(e => e.Type).ShouldNotContain(EventTypes.RunSucceeded);
    }

    [Fact]
    public void Plan_NothingPushed_EndsWithoutAPullRequest()
    {
        var definition = Definition(Command("a"));
        var rows = new[] { Row("a", StepState.Running, task: "ta") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("ta", TaskState.Succeeded)))));

        plan.PullRequest.ShouldBeNull();
        plan.State.ShouldBe(RunState.Succeeded);
        plan.Events[^1].Type.ShouldBe(EventTypes.RunSucceeded);
    }

    [Fact]
    public void Plan_PullRequestNone_EndsWithoutAPullRequestEvenWithAChange()
    {
        var definition = Definition(Command("a")) with { PullRequest = PullRequestMode.None };
        var rows = new[] { Row("a", StepState.Running, task: "ta") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("ta", TaskState.Succeeded, Pushed: true)))));

        plan.PullRequest.ShouldBeNull();
        plan.State.ShouldBe(RunState.Succeeded);
    }

    [Fact]
    public void Plan_NeedsReviewWithAChange_AsksForADraftPullRequest()
    {
        var definition = Definition(Command("a") with { OnFailure = FailurePolicy.Continue }, Command("b"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b", StepState.Running, task: "tb") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(
            ("a", new StepTaskResult("ta", TaskState.Failed, Reason: "exit code 1")),
            ("b", new StepTaskResult("tb", TaskState.Succeeded, Pushed: true)))));

        plan.Ending!.State.ShouldBe(RunState.NeedsReview);
        plan.PullRequest!.Draft.ShouldBeTrue();
    }

    [Fact]
    public void Plan_FailedRunWithAChange_OpensNoPullRequest()
    {
        var definition = Definition(Command("a"), Command("b"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b", StepState.Running, task: "tb") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(
            ("a", new StepTaskResult("ta", TaskState.Failed, Reason: "exit code 1")),
            ("b", new StepTaskResult("tb", TaskState.Succeeded, Pushed: true)))));

        plan.PullRequest.ShouldBeNull();
        plan.State.ShouldBe(RunState.Failed);
    }

    [Fact]
    public void Plan_PerStep_AsksForAPullRequestForEachStepThatPushed()
    {
        var definition = Definition(Command("a"), Command("b")) with { PullRequest = PullRequestMode.PerStep };
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b", StepState.Running, task: "tb") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(
            ("a", new StepTaskResult("ta", TaskState.Succeeded, Pushed: true)),
            ("b", new StepTaskResult("tb", TaskState.Succeeded)))));

        var pr = plan.StepPullRequests.ShouldHaveSingleItem();
        pr.Key.ShouldBe("pull-request:a");
        pr.PublishBranch.ShouldBe("nightshift/run-run00001--a");
        plan.PullRequest.ShouldBeNull();
        plan.State.ShouldBe(RunState.Succeeded);
    }

    [Fact]
    public void Plan_ResumedWithAFinishedFirstStepAndNoRowForTheRest_StartsOnlyTheSecondStep()
    {
        var definition = Definition(Command("lint"), Command("fix", "lint"), Command("test", "fix"));
        var rows = new[] { Row("lint", StepState.Succeeded, task: "t-lint") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        plan.Starts.ShouldHaveSingleItem().Step.ShouldBe("fix");
        plan.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_SamePassTwice_DecidesTheSameStarts()
    {
        var definition = Definition(Command("a"), Command("b"), Command("c", "a"));
        var input = Input(definition, Run(), [Row("a", StepState.Succeeded), Row("b"), Row("c")]);

        var first = RunPlanner.Plan(input);
        var second = RunPlanner.Plan(input);

        first.Starts.Select(s => s.Step).ShouldBe(["b", "c"]);
        second.Starts.Select(s => s.Step).ShouldBe(first.Starts.Select(s => s.Step));
        second.Starts[0].RunStep.ShouldBe(first.Starts[0].RunStep with { Environment = second.Starts[0].RunStep.Environment });
    }

    [Fact]
    public void Plan_RunningStepWithoutResult_WaitsAndChangesNothing()
    {
        var definition = Definition(Command("a"), Command("b", "a"));
        var rows = new[] { Row("a", StepState.Running, task: "ta"), Row("b") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        plan.Starts.ShouldBeEmpty();
        plan.Steps.ShouldBeEmpty();
        plan.Events.ShouldBeEmpty();
        plan.State.ShouldBe(RunState.Running);
    }

    [Fact]
    public void Plan_EveryStepAlreadyFinished_EndsAtOnce()
    {
        var definition = Definition(Command("a"), Command("b"));
        var rows = new[] { Row("a", StepState.Succeeded), Row("b", StepState.Skipped) };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows));

        plan.Ending.ShouldBe(new RunEnding(RunState.Succeeded, null, 1, 0, 1));
    }

    [Fact]
    public void Plan_DependencyNotInTheDefinition_FailsTheRunInsteadOfWaitingForever()
    {
        var definition = Definition(Command("a", "ghost"));

        var plan = RunPlanner.Plan(Input(definition, Run()));

        plan.State.ShouldBe(RunState.Failed);
        plan.Ending!.Reason!.ShouldContain("step a can never start");
    }

    [Fact]
    public void Plan_HugeFailureReason_IsClipped()
    {
        var definition = Definition(Command("a"));
        var rows = new[] { Row("a", StepState.Running, task: "ta") };

        var plan = RunPlanner.Plan(Input(definition, Run(), rows, Results(("a", new StepTaskResult("ta", TaskState.Failed, Reason: new string('x', 100_000) + "\n\u001b[31m")))));

        plan.Steps.ShouldHaveSingleItem().Reason!.Length.ShouldBeLessThanOrEqualTo(2_000);
        plan.Ending!.Reason!.ShouldNotContain("\n");
    }

    [Fact]
    public void FinishedEvent_Ending_CarriesTheCountsAndPullRequest()
    {
        var (type, json) = RunPlanner.FinishedEvent(new RunEnding(RunState.NeedsReview, "why", 2, 1, 0), "local:1");

        type.ShouldBe(EventTypes.RunNeedsReview);
        var data = JsonDocument.Parse(json).RootElement;
        data.GetProperty("pullRequest").GetString().ShouldBe("local:1");
        data.GetProperty("failed").GetInt32().ShouldBe(1);
    }

    private static PipelineDefinition Definition(params PipelineStep[] steps) => new() { Name = "pipe", Steps = steps };

    private static PipelineStep Command(string name, params string[] dependsOn) =>
        new() { Name = name, Kind = PipelineStepKind.Command, Run = $"./{name}.sh", DependsOn = dependsOn };

    private static PipelineStep Agent(string name, string instruction, params string[] dependsOn) =>
        new() { Name = name, Kind = PipelineStepKind.Agent, Instruction = instruction, DependsOn = dependsOn };

    private static RunRecord Run(RunState state = RunState.Running, Dictionary<string, string>? inputs = null) => new()
    {
        Id = "run00001-0000-0000-0000-000000000000",
        Pipeline = "pipe",
        Repo = "https://example.test/acme/shop",
        Branch = "nightshift/run-run00001",
        State = state,
        Inputs = inputs ?? [],
    };

    private static RunStepRecord Row(string name, StepState state = StepState.Pending, string? output = null, string? task = null) =>
        new() { RunId = "run00001-0000-0000-0000-000000000000", Name = name, State = state, Output = output, TaskId = task };

    private static Dictionary<string, StepTaskResult> Results(params (string Step, StepTaskResult Result)[] results) =>
        results.ToDictionary(r => r.Step, r => r.Result);

    private static RunPlanInput Input(PipelineDefinition definition, RunRecord run, IReadOnlyList<RunStepRecord>? rows = null, Dictionary<string, StepTaskResult>? results = null) =>
        new() { Definition = definition, Run = run, Steps = rows ?? [], TaskResults = results ?? [], Now = Now };

    private static RunStepRecord[] Apply(IEnumerable<RunStepRecord> rows, IEnumerable<RunStepRecord> changes)
    {
        var byName = rows.ToDictionary(r => r.Name);
        foreach (var change in changes)
        {
            byName[change.Name] = change;
        }
        return [.. byName.Values];
    }
}
