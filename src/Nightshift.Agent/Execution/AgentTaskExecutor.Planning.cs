using Nightshift.Agent.Planning;
using Nightshift.Agent.RepoMap;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

public sealed partial class AgentTaskExecutor
{
    /// <summary>
    /// Settles the plan for this attempt: the stored one when resuming, the approved (maybe edited) one after the
    /// approval gate, else a new one. Returns an outcome when the attempt must end here (waiting for approval, or a
    /// plan that cannot be built).
    /// </summary>
    private async Task<TaskOutcome?> PlanAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var checkpoint = attempt.Checkpoint;
        if (checkpoint.Plan is not null && PlanParser.Parse(checkpoint.Plan) is { IsValid: true } stored && !checkpoint.AwaitingApproval)
        {
            attempt.Plan = stored.Plan;
            return null;
        }

        var (plan, mode, failure) = await ProposePlanAsync(attempt, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var json = PlanWire.ToJson(plan!);
        var approval = attempt.Task.RequirePlanApproval || attempt.Config.RequirePlanApproval == true;
        await run.EmitAsync(EventTypes.PlanReady, PlanWire.ReadyPayload(plan!, WireNameJsonConverter<PlanMode>.ToWire(mode), PlanFingerprints.Compute(plan!)), cancellationToken);
        if (mode == PlanMode.Planned || approval)
        {
            await run.SetPlanAsync(json, cancellationToken);
        }
        await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Planned, Plan = json, PlanMode = mode, AwaitingApproval = approval }, cancellationToken);
        attempt.Plan = plan;
        return approval ? TaskOutcome.AwaitApproval() : null;
    }

    /// <summary>
    /// For an attempt whose checkpoint says the plan went to a person: either it was approved (the approved plan is
    /// checked and recorded at once, so a crash later in this attempt does not send it back for approval) or the
    /// attempt must hand the task back to wait. Null when there is nothing to settle or the approved plan is accepted.
    /// </summary>
    private async Task<TaskOutcome?> SettleApprovalAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var checkpoint = attempt.Checkpoint;
        if (!checkpoint.AwaitingApproval || checkpoint.Plan is null || checkpoint.Reached(CheckpointStage.Built))
        {
            return null;
        }
        if (attempt.Run.Attempt > 1)
        {
            // Approval resets the attempt count, so a later attempt here means the worker stopped between storing the
            // plan and handing it over: nobody has approved it yet.
            return TaskOutcome.AwaitApproval();
        }
        return await AcceptApprovedPlanAsync(attempt, checkpoint.Plan, cancellationToken);
    }

    private async Task<TaskOutcome?> AcceptApprovedPlanAsync(TaskAttempt attempt, string proposed, CancellationToken cancellationToken)
    {
        var given = attempt.Task.Plan ?? proposed;
        var parsed = PlanParser.Parse(given);
        if (!parsed.IsValid)
        {
            return TaskOutcome.Failed(
                $"the approved plan cannot be built: {string.Join("; ", parsed.Errors.Take(10))}; submit the task again and approve a plan of the shape GET /api/v1/tasks/{{id}} shows");
        }
        var cycles = PlanGraph.FindCycles(parsed.Plan!);
        if (cycles.Count > 0)
        {
            return TaskOutcome.Failed(
                $"the approved plan's dependencies form a cycle ({string.Join("; ", cycles.Select(PlanGraph.Describe))}); submit the task again and approve a plan without one");
        }
        var json = PlanWire.ToJson(parsed.Plan!);
        var edited = json != proposed;
        var mode = edited ? PlanMode.Edited : attempt.Checkpoint.PlanMode ?? PlanMode.Planned;
        await attempt.UpdateAsync(c => c with { Plan = json, PlanMode = mode, AwaitingApproval = false, Approved = true }, cancellationToken);
        await attempt.Run.EmitAsync(EventTypes.PlanReady, PlanWire.ReadyPayload(parsed.Plan!, WireNameJsonConverter<PlanMode>.ToWire(mode), PlanFingerprints.Compute(parsed.Plan!), approved: true), cancellationToken);
        attempt.Plan = parsed.Plan;
        return null;
    }

    /// <summary>A plan from the plan agent, or one subtask when planning is skipped or yields nothing usable.</summary>
    private async Task<(Plan? Plan, PlanMode Mode, TaskOutcome? Failure)> ProposePlanAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var task = attempt.Task;
        if (PlanningPolicy.SkipReason(_options, task.Instruction) is { } skip)
        {
            await run.EmitAsync(EventTypes.PlanSkipped, NightshiftJson.Payload(new { planning = _options.Planning.ToString().ToLowerInvariant(), reason = skip }), cancellationToken);
            return (PlanWire.Single(task.Title, task.Instruction), PlanMode.Single, null);
        }

        await run.SetPhaseAsync(TaskPhase.Planning, cancellationToken);
        attempt.RepoMap = await RenderRepoMapAsync(attempt, attempt.Workspace.BaseCommit, cancellationToken);
        using var planModel = models.CreatePlan(task, OnFallback(run));
        var agent = new PlanAgent(
            planModel.Client,
            Tools(attempt, attempt.Workspace, "plan"),
            new RunObserver(run, "plan"),
            planModel.Meter,
            attempt.Budget,
            time,
            _options.PlanMaxSteps,
            _options.PlanAttempts,
            (submission, index, subtask, token) => run.EmitAsync(EventTypes.PlanPartial, NightshiftJson.Payload(new { submission, index, subtask }), token));
        var result = await agent.PlanAsync(PlanPrompts.Task(task, attempt.AgentsMd, attempt.RepoMap), cancellationToken);
        if (result.Plan is null)
        {
            await run.EmitAsync(EventTypes.PlanFallback, NightshiftJson.Payload(new
            {
                reason = $"{result.FailureReason}; building the whole instruction as one subtask",
                submissions = result.Submissions,
            }), cancellationToken);
            return (PlanWire.Single(task.Title, task.Instruction), PlanMode.Fallback, null);
        }

        var recovery = await CycleRecovery.RecoverAsync(
            result.Plan,
            (_, cycles, token) => agent.AskForAcyclicPlanAsync(cycles, token),
            new CycleRecoveryOptions { MaxDroppedEdges = Math.Max(0, _options.PlanCycleMaxDroppedEdges) },
            cancellationToken);
        foreach (var step in recovery.Steps)
        {
            await run.EmitAsync(EventTypes.PlanCycleRecovery, NightshiftJson.Payload(new
            {
                rung = RungName(step.Rung),
                succeeded = step.Succeeded,
                message = step.Message,
                cycles = recovery.Cycles,
                droppedEdges = step.DroppedEdges.Select(e => new { from = e.From, to = e.To }),
            }), cancellationToken);
        }
        return recovery.Succeeded
            ? (recovery.Plan, PlanMode.Planned, null)
            : (null, PlanMode.Planned, TaskOutcome.Failed(recovery.Failure ?? "the plan's dependencies form a cycle that could not be resolved"));
    }

    /// <summary>The plan of a resumed attempt that is past building (verification or publishing).</summary>
    private static void RestorePlan(TaskAttempt attempt)
    {
        if (attempt.Checkpoint.Plan is { } json && PlanParser.Parse(json) is { IsValid: true } parsed)
        {
            attempt.Plan = parsed.Plan;
        }
    }

    /// <summary>The repository map rendered for prompts, built once per attempt (and cached per commit and per file across attempts).</summary>
    private async Task<string?> RenderRepoMapAsync(TaskAttempt attempt, string? commit, CancellationToken cancellationToken)
    {
        if (attempt.RepoMap is not null)
        {
            return attempt.RepoMap;
        }
        try
        {
            var map = await repoMaps.BuildAsync(attempt.Workspace.Path, commit, new RepoMapOptions { CacheFolder = Path.Combine(_dataRoot, "repomap") }, cancellationToken);
            var focus = $"{attempt.Task.Title} {attempt.Task.Instruction}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '(', ')', '"', '\'', '`'));
            attempt.RepoMap = map.Render(Math.Max(200, _options.RepoMapTokens), focus);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogRepoMapFailed(logger, attempt.Task.Id, e.Message);
        }
        return attempt.RepoMap;
    }

    private static string RungName(CycleRecoveryRung rung) => rung switch
    {
        CycleRecoveryRung.DropLowestPriorityEdges => "drop_lowest_priority_edges",
        CycleRecoveryRung.AskModel => "ask_model",
        CycleRecoveryRung.RunLinearly => "run_linearly",
        _ => "fail",
    };

    /// <summary>Settles the plan: the stored one, or a new one from the plan agent (or one subtask).</summary>
    private sealed class PlanPhase(AgentTaskExecutor executor) : ITaskPhase
    {
        // A checkpoint at "planned" still comes here: the stored plan is read back rather than made again.
        public CheckpointStage? DoneAt => CheckpointStage.Built;

        public Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken) => executor.PlanAsync(attempt, cancellationToken);
    }
}
