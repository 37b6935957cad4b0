using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution;
using Nightshift.Core.Errors;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Dag;

/// <summary>
/// Runs a plan's subtasks wave by wave (<see cref="PlanGraph.Waves"/>): the subtasks of a wave build in parallel, each
/// in its own worktree from the task branch's current commit; their commits are then merged into the task branch
/// one by one in the wave's order (priority, then id), so the result does not depend on which agent finished first,
/// and the next wave starts from the merged commit. A subtask is reported <see cref="SubtaskState.Built"/> the moment
/// its commit exists and <see cref="SubtaskState.Completed"/> the moment its merge is on the branch, so a run that
/// crashes mid-wave resumes without redoing either.
/// </summary>
internal sealed partial class DagRunner(ISubtaskWorkspaces workspaces, DagOptions options, ILogger logger)
{
    private const int MaxSummaryChars = 4_000;

    public async Task<DagResult> RunAsync(DagRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Plan);
        ArgumentNullException.ThrowIfNull(request.Workspace);
        ArgumentNullException.ThrowIfNull(request.Earlier);
        ArgumentNullException.ThrowIfNull(request.BuildSubtask);
        ArgumentNullException.ThrowIfNull(request.ResolveConflict);
        ArgumentNullException.ThrowIfNull(request.OnStarted);
        ArgumentNullException.ThrowIfNull(request.OnProgress);
        if (options.MaxParallelism is < 1 or > DagOptions.MaxAllowedParallelism)
        {
            throw new ValidationException("Agent:Dag:MaxParallelism", $"{options.MaxParallelism} subtasks at once is out of range; set Agent:Dag:MaxParallelism between 1 and {DagOptions.MaxAllowedParallelism}");
        }
        // Ids become branch and folder names: only a plan that passed validation is run.
        if (PlanValidator.Validate(request.Plan) is { Count: > 0 } problems)
        {
            throw new ValidationException("plan", $"the plan cannot be run: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "")}; validate and recover it before execution");
        }
        var waves = PlanGraph.Waves(request.Plan);
        var fingerprints = PlanFingerprints.Compute(request.Plan);
        var run = new Run(request, fingerprints);

        // A crash may have left a merge half-done and subtask worktrees behind.
        var recovered = await workspaces.RecoverMergeAsync(request.Workspace, cancellationToken);
        await workspaces.RemoveSubtasksAsync(request.Workspace, cancellationToken);
        try
        {
            foreach (var wave in waves)
            {
                var runnable = new List<Subtask>();
                var ready = new Dictionary<string, Built>(StringComparer.Ordinal);
                foreach (var subtask in wave)
                {
                    if (await SettleWithoutBuildingAsync(run, subtask, recovered, cancellationToken) is not null)
                    {
                        continue;
                    }
                    if (await BuiltEarlierAsync(run, subtask, cancellationToken) is { } earlier)
                    {
                        ready[subtask.Id] = earlier;
                        continue;
                    }
                    runnable.Add(subtask);
                }
                if (runnable.Count > 0)
                {
                    var baseCommit = await workspaces.CurrentCommitAsync(request.Workspace, cancellationToken);
                    LogWaveStarted(logger, request.Workspace.TaskId, runnable.Count, baseCommit);
                    foreach (var result in await BuildWaveAsync(run, runnable, baseCommit, cancellationToken))
                    {
                        ready[result.Subtask.Id] = result;
                    }
                }
                // The wave's order, not the order builds finished in, so the history is the same every time.
                foreach (var subtask in wave.Where(s => ready.ContainsKey(s.Id)))
                {
                    await MergeAsync(run, ready[subtask.Id], cancellationToken);
                }
            }
        }
        catch (Exception)
        {
            await CleanUpAsync(request.Workspace, abortMerge: true);
            throw;
        }
        await CleanUpAsync(request.Workspace, abortMerge: false);

        var head = await workspaces.CurrentCommitAsync(request.Workspace, cancellationToken);
        var outcomes = PlanGraph.TopologicalOrder(request.Plan).Select(s => run.Outcomes[s.Id]).ToList();
        return new DagResult(outcomes, head, run.Merges, run.ConflictsResolved);
    }

    /// <summary>Settles a subtask that must not be built (a dependency failed, or an earlier attempt finished it); null when it should be built.</summary>
    private async Task<SubtaskResult?> SettleWithoutBuildingAsync(Run run, Subtask subtask, string? recovered, CancellationToken cancellationToken)
    {
        var fingerprint = run.Fingerprints[subtask.Id];
        var dependencies = (subtask.DependsOn ?? []).Where(run.Fingerprints.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var dependency in dependencies)
        {
            var before = run.Outcomes[dependency];
            if (!before.Succeeded)
            {
                var reason = before.Status == SubtaskState.Failed
                    ? $"it depends on '{dependency}', which failed: {before.Reason}"
                    : $"it depends on '{dependency}', which was skipped because {before.Reason}";
                return await SettleAsync(run, new SubtaskResult(subtask.Id, fingerprint, SubtaskState.Skipped) { Reason = reason }, cancellationToken);
            }
        }

        var allReused = dependencies.All(d => run.Outcomes[d].Status == SubtaskState.Reused);
        // A completed subtask without a commit changed nothing: it is on any branch from the base.
        if (allReused && run.Request.Earlier.TryGetValue(subtask.Id, out var earlier) && earlier.Status == SubtaskState.Completed && earlier.Fingerprint == fingerprint
            && (earlier.Commit is null || await workspaces.ContainsCommitAsync(run.Request.Workspace, earlier.Commit, cancellationToken)))
        {
            return await SettleAsync(run, new SubtaskResult(subtask.Id, fingerprint, SubtaskState.Reused) { Commit = earlier.Commit, Summary = earlier.Summary }, cancellationToken);
        }
        if (allReused && recovered == subtask.Id)
        {
            // Its merge was finished from the journal; the crash came before progress was reported.
            var head = await workspaces.CurrentCommitAsync(run.Request.Workspace, cancellationToken);
            return await SettleAsync(run, new SubtaskResult(subtask.Id, fingerprint, SubtaskState.Completed) { Commit = head }, cancellationToken);
        }
        return null;
    }

    /// <summary>A subtask an earlier attempt built and committed but did not merge, whose commit is still in the mirror.</summary>
    private async Task<Built?> BuiltEarlierAsync(Run run, Subtask subtask, CancellationToken cancellationToken)
    {
        var dependencies = (subtask.DependsOn ?? []).Where(run.Fingerprints.ContainsKey);
        var fingerprint = run.Fingerprints[subtask.Id];
        if (run.Request.Earlier.TryGetValue(subtask.Id, out var earlier)
            && earlier is { Status: SubtaskState.Built, SubtaskCommit: { } commit }
            && earlier.Fingerprint == fingerprint
            && dependencies.All(d => run.Outcomes[d].Status == SubtaskState.Reused)
            && await workspaces.HasCommitAsync(run.Request.Workspace, commit, cancellationToken))
        {
            LogBuiltEarlier(logger, run.Request.Workspace.TaskId, subtask.Id, commit);
            return new Built(subtask, null, new SubtaskResult(subtask.Id, fingerprint, SubtaskState.Built) { SubtaskCommit = commit, Summary = earlier.Summary });
        }
        return null;
    }

    private async Task<IReadOnlyList<Built>> BuildWaveAsync(Run run, List<Subtask> wave, string baseCommit, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.MaxParallelism, options.MaxParallelism);
        var running = wave.Select(s => BuildOneAsync(run, s, baseCommit, slots, stop)).ToList();
        try
        {
            return await Task.WhenAll(running);
        }
        catch (Exception)
        {
            // WhenAll reports the first task's exception in list order, which may be a sibling's cancellation.
            var cause = running.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
            }
            throw;
        }
    }

    private async Task<Built> BuildOneAsync(Run run, Subtask subtask, string baseCommit, SemaphoreSlim slots, CancellationTokenSource stop)
    {
        var token = stop.Token;
        await slots.WaitAsync(token);
        SubtaskWorkspace? worktree = null;
        try
        {
            var fingerprint = run.Fingerprints[subtask.Id];
            worktree = await workspaces.PrepareSubtaskAsync(run.Request.Workspace, subtask.Id, baseCommit, token);
            var own = run.Request.Workspace with { Path = worktree.Path, Branch = worktree.Branch, BaseCommit = baseCommit };
            var work = new SubtaskWork(subtask, fingerprint, own, SubtaskIsolation.OwnWorktree);
            await ReportAsync(run, token => run.Request.OnStarted(work, token), token);
            var result = SubtaskResult.FromBuilder(await run.Request.BuildSubtask(work, token), work);
            if (!result.Succeeded)
            {
                return new Built(subtask, worktree, result);
            }
            result = result with { Summary = Clip(result.Summary) };
            try
            {
                var commit = await workspaces.CommitSubtaskAsync(worktree, new CommitRequest(SubtaskMessage(subtask, result.Summary), run.Request.Author), token);
                if (commit is null)
                {
                    return new Built(subtask, worktree, result);
                }
                var built = result with { Status = SubtaskState.Built, SubtaskCommit = commit.Commit };
                await ReportAsync(run, token => run.Request.OnProgress(built, token), token);
                return new Built(subtask, worktree, built);
            }
            catch (WorkspaceException e)
            {
                return new Built(subtask, worktree, result with { Status = SubtaskState.Failed, Reason = $"committing its work failed: {e.Message}" });
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // Anything but our own cancellation is not this subtask's failure but the run's: stop the siblings too.
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task MergeAsync(Run run, Built built, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var subtask = built.Subtask;
        var result = built.Result;
        try
        {
            if (!result.Succeeded && result.Status != SubtaskState.Built)
            {
                LogSubtaskFailed(logger, request.Workspace.TaskId, subtask.Id, result.Reason ?? "");
                await SettleAsync(run, result, cancellationToken);
                return;
            }
            if (result.SubtaskCommit is not { } subtaskCommit)
            {
                var unchanged = await workspaces.CurrentCommitAsync(request.Workspace, cancellationToken);
                await SettleAsync(run, result with { Status = SubtaskState.Completed, Commit = unchanged }, cancellationToken);
                return;
            }

            var message = new CommitRequest($"Merge subtask {subtask.Id}: {OneLine(subtask.Title)}", request.Author);
            var merge = await workspaces.MergeSubtaskAsync(request.Workspace, subtask.Id, subtaskCommit, message, cancellationToken);
            var resolved = false;
            if (merge.Status == SubtaskMergeStatus.Conflicted)
            {
                LogConflict(logger, request.Workspace.TaskId, subtask.Id, merge.ConflictedPaths.Count);
                var conflict = new MergeConflict(subtask, request.Workspace.Path, merge.ConflictedPaths, merge.HeadCommit, subtaskCommit);
                string? unresolved;
                if (await request.ResolveConflict(conflict, cancellationToken))
                {
                    merge = await workspaces.CompleteMergeAsync(request.Workspace, message with { Message = message.Message + " (conflicts resolved)" }, cancellationToken);
                    unresolved = merge.Status == SubtaskMergeStatus.Merged
                        ? null
                        : $"its merge still had conflict markers in {Paths(merge.ConflictedPaths)} after the resolution";
                }
                else
                {
                    unresolved = $"merging it conflicted with earlier subtasks in {Paths(conflict.Paths)} and the conflict was not resolved";
                }
                if (unresolved is not null)
                {
                    await workspaces.AbortMergeAsync(request.Workspace, cancellationToken);
                    LogSubtaskFailed(logger, request.Workspace.TaskId, subtask.Id, unresolved);
                    await SettleAsync(run, result with { Status = SubtaskState.Failed, SubtaskCommit = null, Reason = unresolved }, cancellationToken);
                    return;
                }
                resolved = true;
                run.ConflictsResolved++;
            }
            if (merge.Status == SubtaskMergeStatus.Merged)
            {
                run.Merges++;
            }
            await SettleAsync(run, result with { Status = SubtaskState.Completed, Commit = merge.HeadCommit, ConflictResolved = resolved }, cancellationToken);
        }
        finally
        {
            if (built.Worktree is not null)
            {
                await workspaces.RemoveSubtaskAsync(built.Worktree, CancellationToken.None);
            }
        }
    }

    /// <summary>Records a subtask's end in this run and reports it.</summary>
    private static async Task<SubtaskResult> SettleAsync(Run run, SubtaskResult result, CancellationToken cancellationToken)
    {
        run.Outcomes[result.Id] = result;
        await ReportAsync(run, token => run.Request.OnProgress(result, token), cancellationToken);
        return result;
    }

    /// <summary>Hands one report over, never two at once.</summary>
    private static async Task ReportAsync(Run run, Func<CancellationToken, Task> report, CancellationToken cancellationToken)
    {
        await run.ProgressGate.WaitAsync(cancellationToken);
        try
        {
            await report(cancellationToken);
        }
        finally
        {
            run.ProgressGate.Release();
        }
    }

    /// <summary>Best effort after the run: errors here must not hide the run's own outcome or exception.</summary>
    private async Task CleanUpAsync(Workspace workspace, bool abortMerge)
    {
        try
        {
            if (abortMerge)
            {
                await workspaces.AbortMergeAsync(workspace, CancellationToken.None);
            }
            await workspaces.RemoveSubtasksAsync(workspace, CancellationToken.None);
        }
        catch (Exception e) when (e is WorkspaceException or IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(logger, workspace.TaskId, e.Message);
        }
    }

    private static string SubtaskMessage(Subtask subtask, string? summary)
    {
        var subject = $"Subtask {subtask.Id}: {OneLine(subtask.Title)}";
        return string.IsNullOrWhiteSpace(summary) ? subject : $"{subject}\n\n{summary.Trim()}";
    }

    private static string OneLine(string? text)
    {
        var line = (text ?? "").ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..119] + "…";
    }

    private static string? Clip(string? summary) =>
        summary is null || summary.Length <= MaxSummaryChars ? summary : summary[..(MaxSummaryChars - 1)] + "…";

    private static string Paths(IReadOnlyList<string> paths) =>
        paths.Count <= 5 ? string.Join(", ", paths) : $"{string.Join(", ", paths.Take(5))} and {paths.Count - 5} more";

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Task {TaskId} builds {Count} subtasks from {BaseCommit}")]
    private static partial void LogWaveStarted(ILogger logger, string taskId, int count, string baseCommit);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Subtask {SubtaskId} of task {TaskId} failed: {Reason}")]
    private static partial void LogSubtaskFailed(ILogger logger, string taskId, string subtaskId, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Merging subtask {SubtaskId} of task {TaskId} conflicts in {Count} files; asking for a resolution")]
    private static partial void LogConflict(ILogger logger, string taskId, string subtaskId, int count);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "Subtask {SubtaskId} of task {TaskId} was built by an earlier attempt as {Commit}; merging it without building again")]
    private static partial void LogBuiltEarlier(ILogger logger, string taskId, string subtaskId, string commit);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Cleaning up the subtask worktrees of task {TaskId} failed: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string taskId, string reason);

    /// <summary>
    /// A subtask after its build, waiting for its merge: its worktree (none when an earlier attempt built it) and its
    /// result: built (with its commit), completed without a change, or failed.
    /// </summary>
    private sealed record Built(Subtask Subtask, SubtaskWorkspace? Worktree, SubtaskResult Result);

    /// <summary>The state of one run; merges and progress happen one at a time, so plain fields suffice.</summary>
    private sealed class Run(DagRequest request, IReadOnlyDictionary<string, string> fingerprints)
    {
        public DagRequest Request { get; } = request;

        public IReadOnlyDictionary<string, string> Fingerprints { get; } = fingerprints;

        public Dictionary<string, SubtaskResult> Outcomes { get; } = new(StringComparer.Ordinal);

        public SemaphoreSlim ProgressGate { get; } = new(1, 1);

        public int Merges { get; set; }

        public int ConflictsResolved { get; set; }
    }
}
