using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store as a task's first event when it is submitted, and again when a person retries a finished task (then only <c>retry</c> and <c>previousStatus</c> are set). Members left null are not written.</summary>
/// <param name="Repo">the repository the task works on (on submit).</param>
/// <param name="Title">the task's title, when one was given (on submit).</param>
/// <param name="Priority">the queue priority, higher runs first (on submit).</param>
/// <param name="Source">who submitted it: <c>api</c>, <c>cli</c>, <c>dashboard</c>… (on submit).</param>
/// <param name="RunAfter">the earliest time it may run, only when that is later than the submit.</param>
/// <param name="Retry">true when a person queued a finished task again.</param>
/// <param name="PreviousStatus">the status the retried task had (wire name).</param>
public sealed record TaskQueuedPayload(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Repo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Priority = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RunAfter = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Retry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PreviousStatus = null);
