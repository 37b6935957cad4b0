using Nightshift.Core.Pipelines;

namespace Nightshift.Storage.Pipelines;

/// <summary>
/// Registered pipelines, their runs, each run's steps and its own event log (both dialects). Every read a caller makes
/// is scoped by organisation (a run of another organisation is not found); the coordinator's writes are fenced by its
/// run lease (<see cref="RunLease"/>), so a coordinator that lost its lease changes nothing.
/// </summary>
public interface IPipelineStore
{
    /// <summary>
    /// Registers the pipeline, or replaces the YAML (and schedule) of the one with its name in its organisation. A new
    /// pipeline's id is chosen here (the record's <see cref="PipelineRecord.Id"/> is ignored); a replacement keeps its
    /// id, creator and creation time. <see cref="PipelineRecord.NextRunAt"/> is stored as given; when none is given, a
    /// replacement with the same schedule and time zone keeps its next time, and a new or changed schedule has none
    /// until the scheduler computes it (see <see cref="DueSchedulesAsync"/>).
    /// </summary>
    /// <returns>the stored record and whether it was new.</returns>
    Task<(PipelineRecord Record, bool Created)> SavePipelineAsync(PipelineRecord pipeline, CancellationToken cancellationToken = default);

    Task<PipelineRecord?> FindPipelineAsync(string orgId, string name, CancellationToken cancellationToken = default);

    /// <summary>The organisation's pipelines by name.</summary>
    Task<IReadOnlyList<PipelineRecord>> ListPipelinesAsync(string orgId, CancellationToken cancellationToken = default);

    /// <returns>false when there was none with that name. Runs already started keep their snapshot.</returns>
    Task<bool> DeletePipelineAsync(string orgId, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a queued run, due at once (id and branch <c>nightshift/run-&lt;short id&gt;</c> chosen here: the short id is
    /// <see cref="Core.Tasks.TaskId.Short"/>, the id's last 8, random, characters, so runs started in the same second get
    /// different branches) and one pending row per name in <paramref name="stepNames"/>, in that order; a repeated
    /// <see cref="NewRun.IdempotencyKey"/> in the organisation returns the first run with Created false.
    /// </summary>
    /// <exception cref="Core.Errors.ValidationException">a field is malformed or too long (named): at most 50 inputs of
    /// 10,000 characters, 100 distinct step names, a YAML of <see cref="PipelineYaml.MaxBytes"/>.</exception>
    Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, IReadOnlyList<string> stepNames, CancellationToken cancellationToken = default);

    Task<RunRecord?> FindRunAsync(string orgId, string runId, CancellationToken cancellationToken = default);

    /// <summary>Runs of the organisation, newest first, optionally of one pipeline or in one state; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(string orgId, string? pipeline, RunState? state, int limit, CancellationToken cancellationToken = default);

    /// <summary>The run's steps in the order they were created.</summary>
    Task<IReadOnlyList<RunStepRecord>> ListStepsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The run's events after <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunEvent>> ReadRunEventsAsync(string runId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// A person's decision on a step waiting for approval (approve, or reject with a reason), recorded once: the step
    /// becomes pending again (approved, <see cref="RunStepRecord.DecidedBy"/> set) or skipped (rejected), and the
    /// event <c>step.approved</c>/<c>step.rejected</c> is appended, in one transaction; the run is woken. A rejected
    /// step's reason reads <c>rejected by BY: REASON</c> (cut at 2,000 characters).
    /// </summary>
    Task<StepDecisionResult> DecideStepAsync(string orgId, string runId, string step, bool approve, string by, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Marks the run for cancelling (the coordinator cancels its running tasks and ends it) and wakes it.</summary>
    /// <returns>false when there is no such run or it has ended.</returns>
    Task<bool> RequestCancelRunAsync(string orgId, string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> unfinished runs whose lease is free or expired and that are due (woken, or
    /// <see cref="ReleaseRunAsync"/>'s <c>checkAgainAt</c> passed), each with a fresh lease for <paramref name="leaseFor"/>.
    /// Two coordinators never hold one run (SKIP LOCKED on PostgreSQL).
    /// </summary>
    Task<IReadOnlyList<RunLease>> ClaimRunsAsync(string owner, TimeSpan leaseFor, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lets the run go; it is due again at <paramref name="checkAgainAt"/> or when woken, whichever is first (a wake while
    /// the lease was held counts). A lease that was lost releases nothing.
    /// </summary>
    Task ReleaseRunAsync(RunLease lease, DateTimeOffset checkAgainAt, CancellationToken cancellationToken = default);

    /// <summary>Makes the run due now (a step's task ended, a person decided); any server's coordinator may take it.</summary>
    Task WakeRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Wakes the run a task belongs to, if the task is a step's (called when a task ends).</summary>
    Task WakeRunOfTaskAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one change of the coordinator in one transaction: the run's fields (state, reason, pull request, YAML
    /// snapshot, start and finish times), step rows (inserted when new, replaced otherwise) and events appended in
    /// order. Nothing is written when the lease was lost. Reasons longer than 2,000 characters are cut with a marker.
    /// </summary>
    /// <exception cref="Core.Errors.LeaseLostException">the lease expired or another coordinator took the run.</exception>
    /// <exception cref="ArgumentException">
    /// a step's output is over <see cref="RunStepRecord.MaxOutputBytes"/> or not a JSON object (clip it first), an
    /// event's data is over 64 KiB or not a JSON object, an event type is not <c>noun.verb</c>, or a name or task id is
    /// malformed; nothing is written.
    /// </exception>
    /// <returns>the events as stored (with their sequence numbers).</returns>
    Task<IReadOnlyList<RunEvent>> ApplyAsync(RunLease lease, RunChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registered pipelines with a schedule due at or before <paramref name="now"/> (any organisation), and those with a
    /// schedule whose <see cref="PipelineRecord.NextRunAt"/> is null (new or changed, never computed): for these the
    /// scheduler computes the next time and sets it with <see cref="SetNextRunAsync"/>(id, null, next) without starting a run.
    /// </summary>
    Task<IReadOnlyList<PipelineRecord>> DueSchedulesAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts the scheduled run of a due pipeline once per fleet: moves <see cref="PipelineRecord.NextRunAt"/> from
    /// <paramref name="due"/> to <paramref name="next"/> and creates <paramref name="run"/> in one transaction, only if
    /// NextRunAt still equals <paramref name="due"/> (another server did not get there first).
    /// </summary>
    /// <returns>the run created, or null when another server started it (or the pipeline changed).</returns>
    Task<RunRecord?> StartScheduledRunAsync(string pipelineId, DateTimeOffset due, DateTimeOffset? next, NewRun run, IReadOnlyList<string> stepNames, CancellationToken cancellationToken = default);

    /// <summary>Moves a pipeline's next scheduled time without starting a run (a schedule that cannot start, a changed schedule).</summary>
    Task SetNextRunAsync(string pipelineId, DateTimeOffset? due, DateTimeOffset? next, CancellationToken cancellationToken = default);
}
