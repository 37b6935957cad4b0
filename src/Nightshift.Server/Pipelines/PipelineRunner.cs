using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Server.Repositories;
using Nightshift.Storage;
using Nightshift.Storage.Pipelines;
using Nightshift.Workspaces;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// One pass over one run the coordinator holds: read its definition, read how its step tasks ended, let
/// <see cref="RunPlanner"/> decide, submit and cancel tasks, write everything through the lease in one change, and let
/// the run go. Every task is submitted with the key <c>run:&lt;id&gt;:&lt;step&gt;</c>, so a pass repeated after a crash
/// between submitting and recording finds the task it submitted instead of starting the step again.
/// </summary>
internal sealed partial class PipelineRunner(
    INightshiftStore store,
    RepositoryPipelineReader repositoryPipelines,
    IRepositoryGate repositoryGate,
    StepTaskReader taskReader,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<PipelineRunner> logger)
{
    /// <summary>Even without a wake-up (a task cancelled while queued, a lost signal) a run is looked at this often.</summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    private const int MaxProblemsListed = 20;

    public async Task AdvanceAsync(RunLease lease, CancellationToken cancellationToken)
    {
        var run = lease.Run;
        var checkAgainAt = time.GetUtcNow() + SafetyNet;
        try
        {
            checkAgainAt = await PassAsync(lease, cancellationToken) ?? checkAgainAt;
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger, run.Id);
            return;
        }
        await store.ReleaseRunAsync(lease, checkAgainAt, CancellationToken.None);
    }

    /// <returns>when to look again, if sooner than the safety net.</returns>
    private async Task<DateTimeOffset?> PassAsync(RunLease lease, CancellationToken cancellationToken)
    {
        var run = lease.Run;
        var now = time.GetUtcNow();
        var (yaml, readNow, readProblem) = await DefinitionTextAsync(run, cancellationToken);
        if (yaml is null)
        {
            await FailRunAsync(lease, readProblem!, now, cancellationToken);
            return null;
        }
        var file = run.PipelineId is null ? PipelineFolder.FileOf(options.Value.Folder, run.Pipeline) ?? run.Pipeline : $"pipeline {run.Pipeline}";
        var parsed = PipelineYaml.Parse(yaml, file);
        if (!parsed.Ok)
        {
            var listed = string.Join("; ", parsed.Problems.Take(MaxProblemsListed).Select(p => p.ToString()));
            var more = parsed.Problems.Count > MaxProblemsListed ? $"; and {parsed.Problems.Count - MaxProblemsListed} more" : "";
            await FailRunAsync(lease, $"the pipeline {run.Pipeline} does not validate: {listed}{more}; fix the file and start a new run", now, cancellationToken, readNow ? yaml : null);
            return null;
        }
        var definition = parsed.Definition!;
        var rows = await store.ListStepsAsync(run.Id, cancellationToken);
        var missing = definition.Steps.Where(s => rows.All(r => r.Name != s.Name)).Select(s => new RunStepRecord { RunId = run.Id, Name = s.Name }).ToList();

        var results = new Dictionary<string, StepTaskResult>(StringComparer.Ordinal);
        var everyStepEnded = rows.Count > 0 && missing.Count == 0 && rows.All(r => r.State.IsFinished() || r.State == StepState.Running);
        foreach (var row in rows)
        {
            // Running steps to see if they ended; at the end every step's task, to know whether any pushed a change.
            if (row.TaskId is not null && (row.State == StepState.Running || everyStepEnded)
                && await taskReader.ReadAsync(row.TaskId, cancellationToken) is { } result)
            {
                results[row.Name] = result;
            }
        }

        var plan = RunPlanner.Plan(new RunPlanInput { Definition = definition, Run = run, Steps = [.. rows, .. missing], TaskResults = results, Now = now });

        foreach (var taskId in plan.CancelTasks)
        {
            try
            {
                await store.CancelAsync(taskId, "its pipeline run was cancelled", cancellationToken);
            }
            catch (NightshiftException e)
            {
                // Ended meanwhile: nothing to cancel.
                LogCancelSkipped(logger, run.Id, taskId, e.Message);
            }
        }

        var stepRows = new Dictionary<string, RunStepRecord>(StringComparer.Ordinal);
        foreach (var row in missing.Concat(plan.Steps))
        {
            stepRows[row.Name] = row;
        }
        var events = new List<(string Type, string DataJson)>(plan.Events);
        var replanSoon = false;
        var byName = rows.Concat(missing).ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var start in plan.Starts)
        {
            var row = byName[start.Step];
            try
            {
                var task = await SubmitAsync(run, start.Step, new NewTask
                {
                    Repo = run.Repo,
                    Instruction = start.Instruction,
                    Title = start.Title,
                    BaseBranch = run.BaseBranch,
                    Model = start.Model,
                    RunStep = start.RunStep,
                }, cancellationToken);
                stepRows[start.Step] = row with { State = StepState.Running, TaskId = task.Id, StartedAt = now, Reason = null };
                // A task a crashed pass submitted may have ended already; its wake-up came before the step knew it.
                replanSoon |= task.Status.IsTerminal();
                events.Add((EventTypes.StepStarted, NightshiftJson.Payload(new StepStartedPayload(start.Step, start.Kind == PipelineStepKind.Agent ? "agent" : "command", task.Id))));
            }
            catch (ValidationException e)
            {
                var refused = $"its task could not be submitted: {e.Message}";
                stepRows[start.Step] = row with { State = StepState.Failed, Reason = refused, FinishedAt = now };
                var step = definition.Step(start.Step)!;
                events.Add((EventTypes.StepFailed, NightshiftJson.Payload(new StepFinishedPayload(start.Step, Reason: refused, Continued: step.OnFailure == FailurePolicy.Continue ? true : null))));
                // The failure may stop the run or unblock others: decide again at once.
                replanSoon = true;
            }
        }

        foreach (var pullRequest in plan.StepPullRequests)
        {
            try
            {
                await SubmitPullRequestAsync(run, pullRequest, cancellationToken);
            }
            catch (ValidationException e)
            {
                LogPullRequestRefused(logger, run.Id, pullRequest.Key, e.Message);
            }
        }

        var state = replanSoon && plan.State != RunState.Cancelled ? RunState.Running : plan.State;
        string? pullRequestRef = null;
        string? reason = null;
        DateTimeOffset? finishedAt = null;
        var ending = replanSoon ? null : plan.Ending;
        if (ending is not null)
        {
            if (plan.PullRequest is { } wanted)
            {
                TaskRecord? prTask = null;
                string? prProblem = null;
                try
                {
                    prTask = await SubmitPullRequestAsync(run, wanted, cancellationToken);
                }
                catch (ValidationException e)
                {
                    prProblem = $"the pull request could not be asked for: {e.Message}";
                }
                if (prTask is not null && PullRequestRow(run, rows, prTask, now) is { } prRow)
                {
                    stepRows[prRow.Name] = prRow;
                }
                if (prTask is not null && !prTask.Status.IsTerminal())
                {
                    state = RunState.Running;
                    ending = null;
                }
                else
                {
                    var opened = prTask is { Status: TaskState.Succeeded or TaskState.NeedsReview } && prTask.PullRequest is not null;
                    pullRequestRef = prTask?.PullRequest;
                    if (!opened)
                    {
                        var why = prProblem ?? $"the pull request task {prTask!.Id} ended {prTask.Status.ToWire()}{(prTask.LastError is null ? "" : $": {prTask.LastError}")}";
                        ending = ending with { State = RunState.NeedsReview, Reason = ending.Reason is null ? why : $"{ending.Reason}; {why}" };
                    }
                    events.Add(RunPlanner.FinishedEvent(ending, pullRequestRef));
                    state = ending.State;
                }
            }
            if (ending is not null)
            {
                state = ending.State;
                reason = ending.Reason;
                finishedAt = now;
                LogRunEnded(logger, run.Id, run.Pipeline, state.ToWire());
            }
        }

        await store.ApplyAsync(lease, new RunChange
        {
            State = state,
            Reason = reason,
            PullRequest = pullRequestRef,
            Yaml = readNow ? yaml : null,
            StartedAt = plan.Started ? now : null,
            FinishedAt = finishedAt,
            Steps = [.. stepRows.Values],
            Events = events,
        }, cancellationToken);
        return replanSoon ? now : null;
    }

    /// <summary>
    /// The row of the run's pull request task (named <see cref="RunPlanner.PullRequestStep"/>, which no step of a
    /// definition may be): running while it runs, so cancelling the run cancels it like a step's task, then how it
    /// ended. Null when the stored row says so already.
    /// </summary>
    private static RunStepRecord? PullRequestRow(RunRecord run, IReadOnlyList<RunStepRecord> rows, TaskRecord task, DateTimeOffset now)
    {
        var stored = rows.FirstOrDefault(r => r.Name == RunPlanner.PullRequestStep);
        var row = new RunStepRecord { RunId = run.Id, Name = RunPlanner.PullRequestStep, TaskId = task.Id, StartedAt = stored?.StartedAt ?? now };
        if (!task.Status.IsTerminal())
        {
            return stored is { State: StepState.Running } && stored.TaskId == task.Id ? null : row with { State = StepState.Running };
        }
        if (stored is not null && stored.State.IsFinished() && stored.TaskId == task.Id)
        {
            return null;
        }
        return task.Status is TaskState.Succeeded or TaskState.NeedsReview && task.PullRequest is not null
            ? row with { State = StepState.Succeeded, FinishedAt = now }
            : row with { State = StepState.Failed, Reason = Core.Text.SafeText.Clean($"the pull request task ended {task.Status.ToWire()}{(task.LastError is null ? "" : $": {task.LastError}")}", 2_000), FinishedAt = now };
    }

    private async Task<TaskRecord> SubmitPullRequestAsync(RunRecord run, PullRequestPlan pullRequest, CancellationToken cancellationToken) =>
        await SubmitAsync(run, pullRequest.Key, new NewTask
        {
            Repo = run.Repo,
            Instruction = $"Open the pull request of pipeline run {run.Id}: {pullRequest.Title}",
            Title = pullRequest.Title,
            BaseBranch = run.BaseBranch,
            RunStep = new RunStepTask
            {
                RunId = run.Id,
                Step = RunPlanner.PullRequestStep,
                Kind = RunTaskKind.PullRequest,
                Branch = run.Branch,
                PublishBranch = pullRequest.PublishBranch,
                PullRequestTitle = pullRequest.Title,
                PullRequestBody = pullRequest.Body,
                Draft = pullRequest.Draft,
            },
        }, cancellationToken);

    /// <summary>Through the queue as every task is; the key makes a repeated submission return the first task.</summary>
    private async Task<TaskRecord> SubmitAsync(RunRecord run, string key, NewTask task, CancellationToken cancellationToken)
    {
        var validated = (task with
        {
            Source = "pipeline",
            OrgId = run.OrgId,
            IdempotencyKey = $"run:{run.Id}:{key}",
            Title = task.Title is null ? null : Core.Text.SafeText.Clean(task.Title, NewTask.MaxTitleLength),
        }).Validated();
        await repositoryGate.EnsureAllowedAsync(validated, cancellationToken);
        var result = await store.SubmitAsync(validated, cancellationToken);
        if (result.Created)
        {
            LogSubmitted(logger, run.Id, key, result.Task.Id);
        }
        return result.Task;
    }

    private async Task<(string? Yaml, bool ReadNow, string? Problem)> DefinitionTextAsync(RunRecord run, CancellationToken cancellationToken)
    {
        if (run.Yaml is not null)
        {
            return (run.Yaml, false, null);
        }
        var branch = run.BaseBranch ?? "the default branch";
        var path = repositoryPipelines.FileOf(run.Pipeline);
        if (path is null)
        {
            return (null, false, $"'{run.Pipeline}' cannot be a pipeline's name: use lowercase letters, digits, '-' and '_', starting with a letter");
        }
        try
        {
            var text = await repositoryPipelines.ReadAsync(run.OrgId, run.Repo, run.BaseBranch, path, cancellationToken);
            return text is null
                ? (null, false, $"no pipeline named {run.Pipeline} is registered and the repository has no {path} on {branch}; register it (nightshift pipeline add FILE) or commit the file")
                : (text, true, null);
        }
        catch (Exception e) when (e is WorkspaceException or ForgeException)
        {
            return (null, false, $"the pipeline file {path} could not be read from {branch}: {e.Message}");
        }
    }

    private async Task FailRunAsync(RunLease lease, string reason, DateTimeOffset now, CancellationToken cancellationToken, string? yaml = null)
    {
        var clipped = Core.Text.SafeText.Clean(reason, 4_000);
        var steps = await store.ListStepsAsync(lease.RunId, cancellationToken);
        var ending = new RunEnding(RunState.Failed, clipped, steps.Count(s => s.State == StepState.Succeeded), steps.Count(s => s.State == StepState.Failed), steps.Count(s => s.State == StepState.Skipped));
        await store.ApplyAsync(lease, new RunChange
        {
            State = RunState.Failed,
            Reason = clipped,
            Yaml = yaml,
            StartedAt = lease.Run.StartedAt is null ? now : null,
            FinishedAt = now,
            Events = [RunPlanner.FinishedEvent(ending, null)],
        }, cancellationToken);
        LogRunEnded(logger, lease.RunId, lease.Run.Pipeline, "failed");
    }

    [LoggerMessage(EventId = 7400, Level = LogLevel.Information, Message = "Pipeline run {RunId}: submitted task {TaskId} for {Step}")]
    private static partial void LogSubmitted(ILogger logger, string runId, string step, string taskId);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "Pipeline run {RunId} of {Pipeline} ended {State}")]
    private static partial void LogRunEnded(ILogger logger, string runId, string pipeline, string state);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Warning, Message = "Pipeline run {RunId}: the lease ran out or another server took the run; it continues there")]
    private static partial void LogLeaseLost(ILogger logger, string runId);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Debug, Message = "Pipeline run {RunId}: task {TaskId} was not cancelled: {Reason}")]
    private static partial void LogCancelSkipped(ILogger logger, string runId, string taskId, string reason);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Warning, Message = "Pipeline run {RunId}: the pull request task {Key} was refused: {Reason}")]
    private static partial void LogPullRequestRefused(ILogger logger, string runId, string key, string reason);
}
