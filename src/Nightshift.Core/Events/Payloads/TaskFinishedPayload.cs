using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a task ends <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>, <c>timed_out</c> or <c>needs_review</c>. The executor's details (the first members) come first, then the store's own; members left null are not written. A cancel before the task ran, a rejected plan or a cancel on request carry only <c>reason</c> (and <c>attempt</c>); a task stopped by a budget before a model call carries <c>reason</c> <c>budget_exhausted</c>, <c>error</c> and <c>budget</c>; a plan that waited past the approval timeout carries <c>reason</c>, <c>waitingSince</c> and <c>approvalTimeoutSeconds</c>.</summary>
/// <param name="Error">what stopped the task in plain words, when <c>reason</c> is a code (<c>budget_exhausted</c>): which budget, its limit, what was spent and what to do.</param>
/// <param name="Budget">the budget that was used up, next to <c>reason</c> <c>budget_exhausted</c> (<c>task.failed</c>).</param>
/// <param name="Answer">the answer, when the instruction was a question answered without a change (<c>task.succeeded</c>).</param>
/// <param name="Summary">the agent's summary, next to <c>answer</c>.</param>
/// <param name="Verification">the verification summary of a published change (<c>task.succeeded</c>, <c>task.needs_review</c>).</param>
/// <param name="OutOfScope">failing tests the agent declared out of scope, each with its reason (at most 50).</param>
/// <param name="StillFailing">tests that still fail after the change (at most 50).</param>
/// <param name="Phase">the phase a task was in when it ran past the worker's hard deadline (<c>task.timed_out</c>).</param>
/// <param name="DeadlineSeconds">the worker's hard deadline (Worker:TaskDeadline) in seconds, next to <c>phase</c>.</param>
/// <param name="Limit">the repository's task limit (<c>limits: task:</c> of .nightshift.yml) the attempt went past, next to <c>phase</c>: <c>task.timeout</c> (<c>task.timed_out</c>), <c>task.cpu_seconds</c> or <c>task.disk</c> (<c>task.failed</c>).</param>
/// <param name="LimitValue">that limit: seconds for <c>task.timeout</c> and <c>task.cpu_seconds</c>, bytes for <c>task.disk</c>.</param>
/// <param name="LimitUsed">what the attempt had used when it was stopped, in the same unit.</param>
/// <param name="Abandoned">true when the attempt did not stop within the grace period and was abandoned, next to <c>phase</c>.</param>
/// <param name="Reason">why it ended so, in words for a person; not written for a success.</param>
/// <param name="WaitingSince">when the plan started waiting for approval (a plan that timed out waiting).</param>
/// <param name="ApprovalTimeoutSeconds">the approval timeout (Storage:ApprovalTimeout) in seconds, next to <c>waitingSince</c>.</param>
/// <param name="Branch">the task's branch, when one was pushed.</param>
/// <param name="PullRequest">the pull request's reference, when one was opened.</param>
/// <param name="Attempt">the attempt that ended the task.</param>
/// <param name="Output">a pipeline step's output: the JSON object a command step printed last, or what an agent step produced (pipeline step tasks only).</param>
/// <param name="ExitCode">a command step's exit code (pipeline command step tasks only).</param>
public sealed record TaskFinishedPayload(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BudgetFigures? Budget = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Answer = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Summary = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Verification = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<OutOfScopeEntry>? OutOfScope = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? StillFailing = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phase = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DeadlineSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Abandoned = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Limit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LimitValue = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LimitUsed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? WaitingSince = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ApprovalTimeoutSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Branch = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PullRequest = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Attempt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] System.Text.Json.JsonElement? Output = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ExitCode = null);
