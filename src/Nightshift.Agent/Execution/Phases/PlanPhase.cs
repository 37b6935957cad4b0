using Nightshift.Agent.Planning;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>
/// Settles the plan for this attempt: the approved (maybe edited) one after the approval gate, the stored one when
/// resuming (read back with the checkpoint), else a new one from the plan agent, or the whole instruction as one
/// subtask. Ends the attempt when the plan must wait for a person or cannot be built.
/// </summary>
internal sealed class PlanPhase(IAgentModels models, AgentOptions options, TaskSandbox sandbox, RepoMapRenderer repoMaps, TimeProvider time) : ITaskPhase
{
    // A checkpoint at "planned" still comes here, for the approval gate; a plan it holds was read back with it.
    public CheckpointStage? DoneAt => CheckpointStage.Built;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var checkpoint = attempt.Checkpoint;
        if (checkpoint.AwaitingApproval && checkpoint.Plan is not null)
        {
            // Approval resets the attempt count, so a later attempt here means the worker stopped between storing the
            // plan and handing it over: nobody has approved it yet.
            return attempt.Run.Attempt > 1 ? TaskOutcome.AwaitApproval() : await AcceptApprovedPlanAsync(attempt, checkpoint.Plan, cancellationToken);
        }
        if (attempt.Plan is not null)
        {
            return null;
        }

        var (plan, mode, failure) = await ProposePlanAsync(attempt, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var json = PlanWire.ToJson(plan!);
        var approval = attempt.Task.RequirePlanApproval || attempt.Config.RequirePlanApproval == true;
        await attempt.Run.EmitAsync(EventTypes.PlanReady, PlanWire.ReadyPayload(plan!, WireNameJsonConverter<PlanMode>.ToWire(mode), PlanFingerprints.Compute(plan!)), cancellationToken);
        if (mode == PlanMode.Planned || approval)
        {
            await attempt.Run.SetPlanAsync(json, cancellationToken);
        }
        await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Planned, Plan = json, PlanMode = mode, AwaitingApproval = approval }, cancellationToken);
        attempt.Plan = plan;
        return approval ? TaskOutcome.AwaitApproval() : null;
    }

    /// <summary>
    /// The plan a person approved (maybe edited) is checked and recorded at once, so a crash later in this attempt
    /// does not send it back for approval. Null when it is accepted; a failure when it cannot be built.
    /// </summary>
    private static async Task<TaskOutcome?> AcceptApprovedPlanAsync(TaskAttempt attempt, string proposed, CancellationToken cancellationToken)
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
        // Judged on what was asked, not on the context a follow-up's prompt adds to it.
        if (PlanningPolicy.SkipReason(options, run.Task.Instruction) is { } skip)
        {
            await run.EmitAsync(EventTypes.PlanSkipped, NightshiftJson.Payload(new PlanSkippedPayload(options.Planning.ToString().ToLowerInvariant(), skip)), cancellationToken);
            return (PlanWire.Single(task.Title, task.Instruction), PlanMode.Single, null);
        }

        await run.SetPhaseAsync(TaskPhase.Planning, cancellationToken);
        await repoMaps.RenderAsync(attempt, attempt.Workspace.BaseCommit, cancellationToken);
        using var planModel = await models.CreatePlanAsync(task, ModelFallbackEvents.Emitter(run), cancellationToken);
        var agent = new PlanAgent(
            planModel.Client,
            sandbox.Tools(attempt, attempt.Workspace, "plan"),
            new RunObserver(run, "plan"),
            planModel.Meter,
            attempt.Budget,
            time,
            options.PlanMaxSteps,
            options.PlanAttempts,
            (submission, index, subtask, token) => run.EmitAsync(EventTypes.PlanPartial, NightshiftJson.Payload(new PlanPartialPayload(submission, index, subtask)), token),
            attempt.Inbox?.Reader(),
            TaskSandbox.AskTools(attempt, mayAsk: true).FirstOrDefault());
        // The baseline runs beside the plan agent: its failures are in the prompt when they are known by now.
        var result = await agent.PlanAsync(PlanPrompts.Task(task, attempt.AgentsMd, attempt.RepoMap, attempt.Baseline?.Known), cancellationToken);
        if (result.Question is not null && BuildPhase.AwaitAnswer(attempt, options, time) is { } wait)
        {
            // Planning starts over with the answer once the task resumes.
            return (null, PlanMode.Planned, wait);
        }
        if (result.Plan is null)
        {
            await run.EmitAsync(EventTypes.PlanFallback, NightshiftJson.Payload(new PlanFallbackPayload(
                $"{result.FailureReason}; building the whole instruction as one subtask", result.Submissions)), cancellationToken);
            return (PlanWire.Single(task.Title, task.Instruction), PlanMode.Fallback, null);
        }

        var recovery = await CycleRecovery.RecoverAsync(
            result.Plan,
            (_, cycles, token) => agent.AskForAcyclicPlanAsync(cycles, token),
            new CycleRecoveryOptions { MaxDroppedEdges = Math.Max(0, options.PlanCycleMaxDroppedEdges) },
            cancellationToken);
        foreach (var step in recovery.Steps)
        {
            await run.EmitAsync(EventTypes.PlanCycleRecovery, NightshiftJson.Payload(new PlanCycleRecoveryPayload(
                RungName(step.Rung), step.Succeeded, step.Message, [.. recovery.Cycles], [.. step.DroppedEdges.Select(e => new PlanEdge(e.From, e.To))])), cancellationToken);
        }
        return recovery.Succeeded
            ? (recovery.Plan, PlanMode.Planned, null)
            : (null, PlanMode.Planned, TaskOutcome.Failed(recovery.Failure ?? "the plan's dependencies form a cycle that could not be resolved"));
    }

    private static string RungName(CycleRecoveryRung rung) => rung switch
    {
        CycleRecoveryRung.DropLowestPriorityEdges => "drop_lowest_priority_edges",
        CycleRecoveryRung.AskModel => "ask_model",
        CycleRecoveryRung.RunLinearly => "run_linearly",
        _ => "fail",
    };
}
