using System.Data.Common;
using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const string MessageColumns = "seq, kind, author, source, text, created_at, delivered, times_out_at, default_answer, timed_out";

    /// <summary>Who asks a task's questions and who gives the default answer, in the conversation.</summary>
    internal const string AgentAuthor = "agent";
    internal const string TimeoutAuthor = "nightshift";
    internal const string TimeoutSource = "timeout";

    public async Task<TaskRecord> AddMessageAsync(string taskId, TaskMessage message, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(taskId);
        if (message is null)
        {
            throw new ValidationException("text", "is required: send a message with some text");
        }
        message = message.Validated();
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockAsync(scope, taskId, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(taskId);
        TaskRow changed;
        switch (row.Status)
        {
            case TaskState.Queued or TaskState.Running:
                await InsertMessageAsync(scope, row.Id, TaskMessageKind.Message, message.Author, message.Source, message.Text, now, cancellationToken: cancellationToken).ConfigureAwait(false);
                changed = await UpdateAsync(
                    scope, row.Id, now, [],
                    [(EventTypes.TaskMessage, Payloads.Write(null, new TaskMessagePayload(message.Author, message.Source, message.Text)))],
                    withCheckpoint: false, cancellationToken).ConfigureAwait(false);
                break;
            case TaskState.AwaitingInput:
                await InsertMessageAsync(scope, row.Id, TaskMessageKind.Answer, message.Author, message.Source, message.Text, now, cancellationToken: cancellationToken).ConfigureAwait(false);
                changed = await ResumeWithAnswerAsync(scope, row, now, new TaskAnsweredPayload(message.Author, message.Source, message.Text, TimedOut: false), cancellationToken).ConfigureAwait(false);
                break;
            case TaskState.AwaitingApproval:
                throw new InvalidTransitionException(
                    row.Id,
                    $"task {row.Id} waits for its plan to be approved and reads no messages until then; approve it (nightshift approve {row.Id}) " +
                    "or reject it with your reason (nightshift reject)");
            default:
                throw new InvalidTransitionException(
                    row.Id,
                    $"task {row.Id} is {row.Status.ToWire()} and reads no more messages; submit a new task with what you meant to say" +
                    (row.Status == TaskState.Succeeded ? "" : $", or retry this one (nightshift retry {row.Id})"));
        }
        await CommitAsync(scope).ConfigureAwait(false);
        return changed.Record;
    }

    public async Task<IReadOnlyList<TaskConversationEntry>> ListMessagesAsync(string taskId, long afterSeq = 0, int limit = ITaskConversationStore.MaxEntriesPerTask, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(taskId);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new DbSession(connection, null);
        var exists = await session.ScalarAsync("SELECT COUNT(*) FROM tasks WHERE id = @id", [("id", taskId)], cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) == 0)
        {
            throw new TaskNotFoundException(taskId);
        }
        return await ReadMessagesAsync(session, taskId, afterSeq, limit, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskConversationEntry>> TakeMessagesAsync(Lease lease, long afterSeq, CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        var entries = await ReadMessagesAsync(scope.Session, row.Id, afterSeq, ITaskConversationStore.MaxEntriesPerTask, cancellationToken).ConfigureAwait(false);
        if (entries.Any(e => !e.Delivered))
        {
            await scope.Session.ExecuteAsync(
                "UPDATE task_messages SET delivered = @yes WHERE task_id = @id AND seq > @after AND delivered = @no",
                [("id", row.Id), ("after", afterSeq), ("yes", true), ("no", false)],
                cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return entries;
    }

    private static async Task<IReadOnlyList<TaskConversationEntry>> ReadMessagesAsync(DbSession session, string taskId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        await session.QueryAsync(
            $"SELECT {MessageColumns} FROM task_messages WHERE task_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
            [("id", taskId), ("after", Math.Max(0, afterSeq)), ("limit", (long)Math.Clamp(limit, 1, ITaskConversationStore.MaxEntriesPerTask))],
            ReadEntry,
            cancellationToken).ConfigureAwait(false);

    private static TaskConversationEntry ReadEntry(DbDataReader r) =>
        new(r.GetInt64(0), ParseKind(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), TaskColumns.Time(r.GetInt64(5)))
        {
            Delivered = Convert.ToBoolean(r.GetValue(6), CultureInfo.InvariantCulture),
            TimesOutAt = r.IsDBNull(7) ? null : TaskColumns.Time(r.GetInt64(7)),
            DefaultAnswer = r.IsDBNull(8) ? null : r.GetString(8),
            TimedOut = Convert.ToBoolean(r.GetValue(9), CultureInfo.InvariantCulture),
        };

    private static string KindName(TaskMessageKind kind) => kind switch
    {
        TaskMessageKind.Question => "question",
        TaskMessageKind.Answer => "answer",
        _ => "message",
    };

    private static TaskMessageKind ParseKind(string kind) => kind switch
    {
        "question" => TaskMessageKind.Question,
        "answer" => TaskMessageKind.Answer,
        _ => TaskMessageKind.Message,
    };

    /// <summary>Appends one entry to the task's conversation, in the caller's transaction under the task's row lock.</summary>
    private async Task InsertMessageAsync(
        WriteScope scope, string taskId, TaskMessageKind kind, string author, string source, string text, DateTimeOffset now,
        bool delivered = false, DateTimeOffset? timesOutAt = null, string? defaultAnswer = null, bool timedOut = false, CancellationToken cancellationToken = default)
    {
        var last = Convert.ToInt64(
            await scope.Session.ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM task_messages WHERE task_id = @id", [("id", taskId)], cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        // Questions and their answers always fit: only people's messages are refused once the conversation is full.
        if (last >= ITaskConversationStore.MaxEntriesPerTask && kind == TaskMessageKind.Message)
        {
            throw new ValidationException(
                "text",
                $"task {taskId} already holds {ITaskConversationStore.MaxEntriesPerTask} messages, the most one task keeps; cancel it and submit a new task with everything it needs to know");
        }
        await scope.Session.ExecuteAsync(
            $"""
            INSERT INTO task_messages ({MessageColumns}, task_id)
            VALUES (@seq, @kind, @author, @source, @text, @now, @delivered, @due, @default, @timedOut, @id)
            """,
            [
                ("seq", last + 1), ("kind", KindName(kind)), ("author", author), ("source", source), ("text", text), ("now", TaskColumns.Ms(now)),
                ("delivered", delivered), ("due", timesOutAt is { } due ? TaskColumns.Ms(due) : null), ("default", defaultAnswer),
                ("timedOut", timedOut), ("id", taskId),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An answer arrived (or the wait ran out): the task goes back to the queue to resume from its checkpoint.</summary>
    private async Task<TaskRow> ResumeWithAnswerAsync(WriteScope scope, TaskRow row, DateTimeOffset now, TaskAnsweredPayload answered, CancellationToken cancellationToken)
    {
        TaskStateMachine.EnsureCanMove(row.Id, row.Status, TaskState.Queued);
        var resumed = await UpdateAsync(
            scope, row.Id, now,
            [
                ("status", TaskState.Queued.ToWire()), ("phase", TaskPhase.None.ToWire()), ("run_after", TaskColumns.Ms(now)),
                ("input_due_at", null), ("awaiting_since", null),
            ],
            [(EventTypes.TaskAnswered, Payloads.Write(null, answered))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        scope.SignalWork();
        return resumed;
    }

    /// <summary>
    /// The attempt ends with the agent's question (in the caller's transaction, after the fence): the question joins the
    /// conversation, the task waits as awaiting_input holding no lease, and the attempt is handed back (asking is not failing).
    /// </summary>
    private async Task<(TaskState Target, string EventType, string Payload)> ParkForAnswerAsync(
        WriteScope scope, TaskRow row, TaskOutcome outcome, DateTimeOffset now, List<(string Column, object? Value)> changes, CancellationToken cancellationToken)
    {
        if (row.Record.CancelRequested)
        {
            changes.AddRange([("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)), ("last_error", "cancelled on request")]);
            return (TaskState.Cancelled, EventTypes.TaskCancelled, Payloads.Write(null, new TaskFinishedPayload(Reason: "cancelled on request", Attempt: row.Record.Attempts)));
        }
        var question = outcome.Question!.Trim();
        var due = outcome.QuestionTimesOutAt!.Value;
        var fallback = outcome.DefaultAnswer!.Trim();
        await InsertMessageAsync(scope, row.Id, TaskMessageKind.Question, AgentAuthor, AgentAuthor, question, now, delivered: true, timesOutAt: due, defaultAnswer: fallback, cancellationToken: cancellationToken).ConfigureAwait(false);
        changes.AddRange(
        [
            ("phase", TaskPhase.None.ToWire()), ("awaiting_since", TaskColumns.Ms(now)), ("input_due_at", TaskColumns.Ms(due)),
            ("attempts", (long)Math.Max(0, row.Record.Attempts - 1)),
        ]);
        return (TaskState.AwaitingInput, EventTypes.TaskQuestion, Payloads.Write(outcome.DetailsJson, new TaskQuestionPayload(question, due, fallback)));
    }

    private static void ValidateQuestion(TaskOutcome outcome)
    {
        if (outcome.Kind != OutcomeKind.AwaitingInput)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(outcome.Question) || outcome.Question.Trim().Length > TaskMessage.MaxTextLength)
        {
            throw new ValidationException("question", $"must be 1 to {TaskMessage.MaxTextLength} characters");
        }
        if (string.IsNullOrWhiteSpace(outcome.DefaultAnswer) || outcome.DefaultAnswer.Trim().Length > TaskMessage.MaxTextLength)
        {
            throw new ValidationException("defaultAnswer", $"must be 1 to {TaskMessage.MaxTextLength} characters (Agent:DefaultAnswer)");
        }
        if (outcome.QuestionTimesOutAt is null)
        {
            throw new ValidationException("timesOutAt", "is required: say when the question gives way to the default answer");
        }
    }

    /// <summary>
    /// Questions nobody answered by their deadline take their default answer (<c>task.answered</c>, timedOut) and the task
    /// is queued to resume. Rows an answer holds are skipped; one answered before this looks is no longer waiting.
    /// </summary>
    private async Task<int> ExpireQuestionsInScopeAsync(WriteScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waiting = await scope.Session.QueryAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE status = 'awaiting_input' AND input_due_at <= @now " +
            $"ORDER BY input_due_at LIMIT {MaxReclaimBatch}{SkipLockedClause}",
            [("now", TaskColumns.Ms(now))],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        foreach (var row in waiting)
        {
            var question = await scope.Session.QuerySingleAsync(
                $"SELECT {MessageColumns} FROM task_messages WHERE task_id = @id AND kind = 'question' ORDER BY seq DESC LIMIT 1",
                [("id", row.Id)],
                ReadEntry,
                cancellationToken).ConfigureAwait(false);
            var answer = question?.DefaultAnswer ?? "No answer came; use your best judgement and say in the pull request what you assumed.";
            await InsertMessageAsync(scope, row.Id, TaskMessageKind.Answer, TimeoutAuthor, TimeoutSource, answer, now, timedOut: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            await ResumeWithAnswerAsync(scope, row, now, new TaskAnsweredPayload(TimeoutAuthor, TimeoutSource, answer, TimedOut: true), cancellationToken).ConfigureAwait(false);
            LogQuestionTimedOut(Logger, row.Id);
        }
        return waiting.Count;
    }
}
