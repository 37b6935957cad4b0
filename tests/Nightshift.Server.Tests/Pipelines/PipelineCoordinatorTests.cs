using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.Server.Pipelines;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>
/// The coordinator on the real server, store, queue and worker; the step tasks end as <see cref="StepScriptExecutor"/>
/// says, so what is tested is the run: order, skips, approvals, failure policies, cancel, the pull request and resuming.
/// </summary>
public sealed class PipelineCoordinatorTests
{
    private const string Repo = "https://github.com/example/app";

    private const string LintFixTest = """
        name: lint-fix-test
        description: Lint, fix what lint finds, test
        steps:
          lint:
            run: ./lint.sh
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors: {{steps.lint.output.errors}}"
          test:
            depends_on: [fix]
            run: ./test.sh
        """;

    [Fact]
    public async Task Coordinator_LintFindsErrors_FixRunsWithTheErrorsThenTestThenOnePullRequest()
    {
        var executor = new StepScriptExecutor()
            .On("lint", new StepScript("""{"error_count":2,"errors":"a.js:1 b.js:2"}"""))
            .On("fix", new StepScript("""{"summary":"fixed","changed":true}""", Pushed: true));
        await using var server = await StartAsync(executor);

        var run = await CreateRunAsync(server, LintFixTest);
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Succeeded);
        done.PullRequest.ShouldBe("local:pr-1");
        var steps = await server.Store.ListStepsAsync(run.Id);
        steps.Select(s => (s.Name, s.State)).ShouldBe([("lint", StepState.Succeeded), ("fix", StepState.Succeeded), ("test", StepState.Succeeded), ("pull-request", StepState.Succeeded)]);
        (await server.Store.FindAsync(steps[3].TaskId!))!.RunStep!.Kind.ShouldBe(RunTaskKind.PullRequest);
        var fixTask = (await server.Store.FindAsync(steps[1].TaskId!))!;
        fixTask.Instruction.ShouldBe("Fix these lint errors: a.js:1 b.js:2");
        fixTask.Source.ShouldBe("pipeline");
        fixTask.IdempotencyKey.ShouldBe($"run:{run.Id}:fix");
        fixTask.RunStep!.Branch.ShouldBe(run.Branch);
        executor.LastPullRequest!.PullRequestTitle.ShouldBe("lint-fix-test: Lint, fix what lint finds, test");
        executor.LastPullRequest.Draft.ShouldBeFalse();
        executor.Runs("pull-request").ShouldBe(1);
        var types = (await server.Store.ReadRunEventsAsync(run.Id, 0, 100)).Select(e => e.Type).ToList();
        types.ShouldBe([
            EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.StepSucceeded, EventTypes.StepStarted, EventTypes.StepSucceeded,
            EventTypes.StepStarted, EventTypes.StepSucceeded, EventTypes.RunSucceeded]);
    }

    [Fact]
    public async Task Coordinator_LintClean_SkipsFixWithTheReasonAndOpensNoPullRequest()
    {
        var executor = new StepScriptExecutor().On("lint", new StepScript("""{"error_count":0}"""));
        await using var server = await StartAsync(executor);

        var run = await CreateRunAsync(server, LintFixTest);
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Succeeded);
        done.PullRequest.ShouldBeNull();
        var fix = (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "fix");
        fix.State.ShouldBe(StepState.Skipped);
        fix.Reason.ShouldBe("condition `steps.lint.output.error_count > 0` is false (steps.lint.output.error_count = 0)");
        executor.Runs("fix").ShouldBe(0);
        executor.Runs("test").ShouldBe(1);
        executor.Runs("pull-request").ShouldBe(0);
    }

    [Fact]
    public async Task Coordinator_ApprovalGate_WaitsWithoutATaskUntilApprovedThenContinues()
    {
        var executor = new StepScriptExecutor();
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, """
            name: gated
            steps:
              build:
                run: ./build.sh
              deploy:
                depends_on: [build]
                run: ./deploy.sh
                requires_approval: true
            """);

        await TestDefaults.WaitUntilAsync(async () => (await server.Store.FindRunAsync(run.OrgId, run.Id))!.State == RunState.AwaitingApproval, "the run waits for approval");
        var deploy = (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "deploy");
        deploy.State.ShouldBe(StepState.AwaitingApproval);
        deploy.TaskId.ShouldBeNull();
        executor.Runs("deploy").ShouldBe(0);
        (await server.Store.ListAsync(new TaskQuery(Limit: 100))).Items.Count.ShouldBe(1);

        (await server.Store.DecideStepAsync(run.OrgId, run.Id, "deploy", approve: true, "ada", null)).ShouldBe(Storage.Pipelines.StepDecisionResult.Decided);
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Succeeded);
        executor.Runs("deploy").ShouldBe(1);
        var types = (await server.Store.ReadRunEventsAsync(run.Id, 0, 100)).Select(e => e.Type).ToList();
        types.ShouldContain(EventTypes.StepAwaitingApproval);
        types.ShouldContain(EventTypes.StepApproved);
    }

    [Fact]
    public async Task Coordinator_RejectedStep_IsSkippedAndTheRunGoesOn()
    {
        var executor = new StepScriptExecutor();
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, """
            name: gated
            steps:
              deploy:
                run: ./deploy.sh
                requires_approval: true
              notify:
                depends_on: [deploy]
                run: ./notify.sh
            """);
        await TestDefaults.WaitUntilAsync(async () => (await server.Store.FindRunAsync(run.OrgId, run.Id))!.State == RunState.AwaitingApproval, "the run waits for approval");

        await server.Store.DecideStepAsync(run.OrgId, run.Id, "deploy", approve: false, "ada", "not on a Friday");
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Succeeded);
        executor.Runs("deploy").ShouldBe(0);
        executor.Runs("notify").ShouldBe(1);
    }

    [Fact]
    public async Task Coordinator_FailureWithStop_SkipsTheRestAndFailsNamingTheStep()
    {
        var executor = new StepScriptExecutor().On("lint", new StepScript("""{"error_count":1}""", ExitCode: 3));
        await using var server = await StartAsync(executor);

        var run = await CreateRunAsync(server, LintFixTest);
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Failed);
        done.Reason!.ShouldStartWith("step lint failed: ");
        done.Reason.ShouldContain("exit");
        var steps = await server.Store.ListStepsAsync(run.Id);
        steps.Single(s => s.Name == "lint").Output.ShouldBe("""{"error_count":1}""");
        steps.Where(s => s.Name != "lint").ShouldAllBe(s => s.State == StepState.Skipped && s.Reason == "the run stopped after step lint failed");
        executor.Runs("pull-request").ShouldBe(0);
    }

    [Fact]
    public async Task Coordinator_FailureWithContinue_RunsTheRestAndEndsNeedsReviewWithADraft()
    {
        var executor = new StepScriptExecutor()
            .On("lint", new StepScript(ExitCode: 1))
            .On("format", new StepScript(Pushed: true));
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, """
            name: tidy
            steps:
              lint:
                run: ./lint.sh
                on_failure: continue
              format:
                depends_on: [lint]
                run: ./format.sh
            """);

        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.NeedsReview);
        done.Reason!.ShouldContain("step lint failed and the run went on (on_failure: continue)");
        executor.Runs("format").ShouldBe(1);
        executor.LastPullRequest!.Draft.ShouldBeTrue();
        done.PullRequest.ShouldBe("local:pr-1");
    }

    [Fact]
    public async Task Coordinator_StepTaskNeedsReview_CountsAsAFailedStep()
    {
        var executor = new StepScriptExecutor().On("fix", new StepScript(NeedsReview: true));
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, "name: one\nsteps:\n  fix:\n    instruction: fix the flaky test\n");

        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Failed);
        (await server.Store.ListStepsAsync(run.Id)).Single().Reason.ShouldBe("the change was not verified: 2 tests still fail");
    }

    [Fact]
    public async Task Coordinator_CancelWhileAStepRuns_CancelsItsTaskAndEndsCancelled()
    {
        var executor = new StepScriptExecutor();
        executor.Gate("lint");
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, LintFixTest);
        await TestDefaults.WaitUntilAsync(() => executor.Runs("lint") == 1, "lint runs");

        (await server.Store.RequestCancelRunAsync(run.OrgId, run.Id)).ShouldBeTrue();
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Cancelled);
        var lint = (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "lint");
        lint.State.ShouldBe(StepState.Cancelled);
        await TestDefaults.WaitUntilAsync(async () => (await server.Store.FindAsync(lint.TaskId!))!.Status == TaskState.Cancelled, "lint's task is cancelled");
        executor.Runs("fix").ShouldBe(0);
    }

    [Fact]
    public async Task Coordinator_CancelWhileThePullRequestTaskRuns_CancelsThatTaskToo()
    {
        var executor = new StepScriptExecutor().On("fix", new StepScript("""{"summary":"fixed","changed":true}""", Pushed: true));
        executor.Gate("pull-request");
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, "name: one\nsteps:\n  fix:\n    instruction: fix the flaky test\n");
        await TestDefaults.WaitUntilAsync(() => executor.Runs("pull-request") == 1, "the pull request task runs");
        await TestDefaults.WaitUntilAsync(
            async () => (await server.Store.ListStepsAsync(run.Id)).Any(s => s is { Name: "pull-request", State: StepState.Running, TaskId: not null }),
            "the run records its pull request task running");

        (await server.Store.RequestCancelRunAsync(run.OrgId, run.Id)).ShouldBeTrue();
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Cancelled);
        done.PullRequest.ShouldBeNull();
        var steps = await server.Store.ListStepsAsync(run.Id);
        steps.Single(s => s.Name == "fix").State.ShouldBe(StepState.Succeeded);
        var pullRequest = steps.Single(s => s.Name == "pull-request");
        pullRequest.State.ShouldBe(StepState.Cancelled);
        pullRequest.Reason.ShouldBe("the run was cancelled");
        await TestDefaults.WaitUntilAsync(async () => (await server.Store.FindAsync(pullRequest.TaskId!))!.Status == TaskState.Cancelled, "the pull request task is cancelled");
        executor.LastPullRequest.ShouldBeNull();
        (await server.Store.ReadRunEventsAsync(run.Id, 0, 100)).Last().Type.ShouldBe(EventTypes.RunCancelled);
    }

    [Fact]
    public async Task Coordinator_PullRequestTaskFails_TheRunNeedsReviewAndItsRowSaysWhy()
    {
        var executor = new StepScriptExecutor().On("fix", new StepScript(Pushed: true));
        executor.FailPullRequests = "the forge refused the pull request";
        await using var server = await StartAsync(executor);
        var run = await CreateRunAsync(server, "name: one\nsteps:\n  fix:\n    instruction: fix the flaky test\n");

        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.NeedsReview);
        done.Reason.ShouldNotBeNull().ShouldContain("the forge refused the pull request");
        var pullRequest = (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "pull-request");
        pullRequest.State.ShouldBe(StepState.Failed);
        pullRequest.Reason.ShouldNotBeNull().ShouldContain("the forge refused the pull request");
    }

    [Fact]
    public async Task Coordinator_CrashAfterTheFirstStepAndAfterSubmittingTheSecond_ResumesAtTheSecondWithoutSubmittingAgain()
    {
        var executor = new StepScriptExecutor().On("lint", new StepScript("""{"error_count":1,"errors":"x"}"""));
        executor.Gate("fix");
        // Nothing advances runs by itself: the test plays the coordinators, so it can stop one at any point.
        await using var server = await StartAsync(executor, enabled: false);
        var coordinator = server.App.Services.GetRequiredService<PipelineCoordinator>();
        var run = await CreateRunAsync(server, LintFixTest);

        await coordinator.RunOnceAsync(TestDefaults.TimeoutToken());
        var lintTask = (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "lint").TaskId.ShouldNotBeNull();
        await TestDefaults.WaitUntilAsync(async () => (await server.Store.FindAsync(lintTask))!.Status == TaskState.Succeeded, "lint's task succeeds");

        // A coordinator that dies mid-pass: it took the woken run, submitted fix's task and recorded nothing, not even lint's end.
        var crashed = (await server.Store.ClaimRunsAsync("crashed-server", TimeSpan.FromSeconds(2), 10)).ShouldHaveSingleItem();
        var orphan = (await server.Store.SubmitAsync(new NewTask
        {
            Repo = Repo,
            Instruction = "Fix these lint errors: x",
            Source = "pipeline",
            IdempotencyKey = $"run:{run.Id}:fix",
            RunStep = new RunStepTask { RunId = run.Id, Step = "fix", Branch = crashed.Run.Branch },
        }.Validated())).Task;
        (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "fix").State.ShouldBe(StepState.Pending);
        executor.Open("fix");

        var done = await DriveToEndAsync(server, coordinator, run.Id);

        done.State.ShouldBe(RunState.Succeeded);
        var steps = await server.Store.ListStepsAsync(run.Id);
        steps.Single(s => s.Name == "fix").TaskId.ShouldBe(orphan.Id);
        executor.Runs("lint").ShouldBe(1);
        executor.Runs("fix").ShouldBe(1);
        executor.Runs("test").ShouldBe(1);
        (await server.Store.ListAsync(new TaskQuery(Limit: 100))).Items.Count(t => t.RunStep?.Kind != RunTaskKind.PullRequest).ShouldBe(3);
    }

    [Fact]
    public async Task Coordinator_RepositoryPipelineMissing_FailsTheRunSayingWhereItLooked()
    {
        using var repo = TestKit.Git.TempGitRepo.Create();
        await using var server = await StartAsync(new StepScriptExecutor(), options: o => o.AllowedRepositoryRoots = [repo.Root]);
        var (run, _) = await server.Store.CreateRunAsync(new NewRun { Pipeline = "nightly", Repo = repo.RemotePath, BaseBranch = "main" }, []);

        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Failed);
        done.Reason.ShouldBe("no pipeline named nightly is registered and the repository has no .nightshift/pipelines/nightly.yml on main; register it (nightshift pipeline add FILE) or commit the file");
    }

    [Fact]
    public async Task Coordinator_RegisteredYamlWithProblems_FailsTheRunListingThemWithLines()
    {
        await using var server = await StartAsync(new StepScriptExecutor());

        var run = await CreateRunAsync(server, "name: broken\nsteps:\n  a:\n    run: x\n    depends_on: [ghost]\n", steps: []);
        var done = await WaitForEndAsync(server, run.Id);

        done.State.ShouldBe(RunState.Failed);
        done.Reason!.ShouldStartWith("the pipeline broken does not validate: ");
        done.Reason.ShouldContain("broken.yml:5:18: step 'a' depends on 'ghost'");
    }

    private static Task<RunningServer> StartAsync(StepScriptExecutor executor, bool enabled = true, Action<Hosting.NightshiftServerOptions>? options = null) =>
        RunningServer.StartAsync(
            o =>
            {
                o.RunWorker = true;
                options?.Invoke(o);
            },
            s =>
            {
                s.AddSingleton<ITaskExecutor>(executor);
                s.Configure<PipelineOptions>(p =>
                {
                    p.Enabled = enabled;
                    p.PollInterval = TimeSpan.FromMilliseconds(100);
                });
            });

    private static async Task<RunRecord> CreateRunAsync(RunningServer server, string yaml, IReadOnlyList<string>? steps = null)
    {
        var parsed = PipelineYaml.Parse(yaml, "test.yml");
        var name = parsed.Definition?.Name ?? yaml.Split('\n')[0]["name: ".Length..].Trim();
        var (run, created) = await server.Store.CreateRunAsync(
            new NewRun { Pipeline = name, Yaml = yaml, Repo = Repo, Trigger = "api" },
            steps ?? [.. parsed.Definition!.Steps.Select(s => s.Name)]);
        created.ShouldBeTrue();
        return run;
    }

    private static async Task<RunRecord> WaitForEndAsync(RunningServer server, string runId)
    {
        RunRecord? run = null;
        await TestDefaults.WaitUntilAsync(async () =>
        {
            run = await server.Store.FindRunAsync(Core.Teams.OrgIds.Default, runId);
            return run!.State.IsFinished();
        }, $"run {runId} ends");
        return run!;
    }

    private static async Task<RunRecord> DriveToEndAsync(RunningServer server, PipelineCoordinator coordinator, string runId)
    {
        RunRecord? run = null;
        await TestDefaults.WaitUntilAsync(async () =>
        {
            await coordinator.RunOnceAsync(TestDefaults.TimeoutToken());
            run = await server.Store.FindRunAsync(Core.Teams.OrgIds.Default, runId);
            return run!.State.IsFinished();
        }, $"run {runId} ends");
        return run!;
    }
}
