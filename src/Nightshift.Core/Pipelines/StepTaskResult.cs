using Nightshift.Core.Tasks;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// How a step's task ended, as the coordinator read it from the task and its final event: the task's state, the step's
/// output (a JSON object, or null), why it did not succeed, and whether it pushed a commit onto the run's branch.
/// </summary>
public sealed record StepTaskResult(string TaskId, TaskState State, string? Output = null, string? Reason = null, bool Pushed = false);
