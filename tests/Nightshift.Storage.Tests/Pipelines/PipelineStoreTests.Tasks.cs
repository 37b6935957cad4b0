using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    private static NewTask StepTask(RunRecord run, string step = "lint") => new()
    {
        Repo = run.Repo,
        Instruction = $"pipeline step {step}",
        Source = "pipeline",
        IdempotencyKey = $"run:{run.Id}:{step}",
        RunStep = new RunStepTask
        {
            RunId = run.Id,
            Step = step,
            Kind = RunTaskKind.Command,
            Branch = run.Branch,
            Script = "./lint.sh \"$NIGHTSHIFT_VALUE_1\"",
            Environment = new Dictionary<string, string> { ["NIGHTSHIFT_VALUE_1"] = "left-pad; rm -rf / `id`" },
            TimeoutSeconds = 300,
            MaxCostUsd = 1.25m,
        },
    };

    /// <summary>A running run whose step has a task, released until far in the future: only a wake makes it due.</summary>
    private async Task<(RunRecord Run, TaskRecord Task)> RunWithStepTaskAsync()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        var task = (await Store.SubmitAsync(StepTask(run))).Task;
        await Store.ApplyAsync(lease, new RunChange
        {
            State = RunState.Running,
            Steps = [new RunStepRecord { RunId = run.Id, Name = "lint", State = StepState.Running, TaskId = task.Id }],
        });
        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow().AddDays(1));
        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();
        return (run, task);
    }

    [StoreFact]
    public async Task Submit_StepTask_KeepsItsRunStepWhole()
    {
        var run = await CreateAsync();
        var submitted = (await Store.SubmitAsync(StepTask(run))).Task;

        var found = (await (await OpenAsync()).FindAsync(submitted.Id))!;

        foreach (var step in new[] { submitted.RunStep!, found.RunStep! })
        {
            step.RunId.ShouldBe(run.Id);
            step.Step.ShouldBe("lint");
            step.Kind.ShouldBe(RunTaskKind.Command);
            step.Branch.ShouldBe(run.Branch);
            step.Script.ShouldBe("./lint.sh \"$NIGHTSHIFT_VALUE_1\"");
            step.Environment.ShouldBe(new Dictionary<string, string> { ["NIGHTSHIFT_VALUE_1"] = "left-pad; rm -rf / `id`" });
            step.TimeoutSeconds.ShouldBe(300);
            step.MaxCostUsd.ShouldBe(1.25m);
        }
        (await Store.SubmitAsync(Ask())).Task.RunStep.ShouldBeNull();
        (await Store.ListAsync(new TaskQuery(Limit: 10))).Items.Single(t => t.Id == submitted.Id).RunStep!.RunId.ShouldBe(run.Id);
        var claimed = await Store.TryClaimAsync(new ClaimRequest("host:1:0", LeaseTime, null, null));
        claimed.ShouldNotBeNull();
    }

    [StoreFact]
    public async Task Finish_StepTask_WakesItsRun()
    {
        var (run, task) = await RunWithStepTaskAsync();
        var lease = (await Store.TryClaimAsync(new ClaimRequest("host:1:0", LeaseTime, null, null)))!;
        lease.TaskId.ShouldBe(task.Id);

        await Store.FinishAsync(lease, TaskOutcome.Succeeded(run.Branch));

        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task Finish_StepTaskOnTheGeneralPath_WakesItsRun()
    {
        var (run, _) = await RunWithStepTaskAsync();
        var general = await StoreFactory.OpenAsync(DataDirectory, Database, Clock, new StoreOptions { GeneralPathOnly = true, RetryJitter = 0 });
        await using (general)
        {
            var lease = (await general.TryClaimAsync(new ClaimRequest("host:1:0", LeaseTime, null, null)))!;
            await general.FinishAsync(lease, TaskOutcome.Failed("lint crashed"));
        }

        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task Cancel_QueuedStepTask_WakesItsRun()
    {
        var (run, task) = await RunWithStepTaskAsync();

        await Store.CancelAsync(task.Id, "the run was cancelled");

        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task Reclaim_StepTaskOutOfAttempts_WakesItsRun()
    {
        var run = await CreateAsync();
        var runLease = await ClaimOneAsync();
        var task = (await Store.SubmitAsync(StepTask(run) with { MaxAttempts = 1 })).Task;
        await Store.ReleaseRunAsync(runLease, Clock.GetUtcNow().AddDays(1));
        await Store.TryClaimAsync(new ClaimRequest("host:1:0", LeaseTime, null, null));
        Clock.Advance(LeaseTime + TimeSpan.FromSeconds(1));

        await Store.ReclaimExpiredAsync();

        (await Store.FindAsync(task.Id))!.Status.IsTerminal().ShouldBeTrue();
        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task WakeRunOfTask_StepTaskOrAStepsRecordedTask_WakesTheRunAndOtherTasksNothing()
    {
        var (run, task) = await RunWithStepTaskAsync();
        var plain = (await Store.SubmitAsync(Ask())).Task;

        await Store.WakeRunOfTaskAsync(plain.Id);
        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();

        await Store.WakeRunOfTaskAsync(task.Id);
        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task Finish_OrdinaryTask_WakesNoRun()
    {
        await RunWithStepTaskAsync();
        await Store.SubmitAsync(Ask() with { Priority = 10 });
        var lease = (await Store.TryClaimAsync(new ClaimRequest("host:1:0", LeaseTime, null, null)))!;
        (await Store.FindAsync(lease.TaskId))!.RunStep.ShouldBeNull();

        await Store.FinishAsync(lease, TaskOutcome.Succeeded());

        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();
    }

    private static NewTask Ask() => new() { Repo = "https://example.com/acme/app", Instruction = "fix the flaky test" };
}
