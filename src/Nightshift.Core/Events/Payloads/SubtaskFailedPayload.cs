namespace Nightshift.Core.Events.Payloads;

/// <summary>
/// A subtask did not finish: the build agent stopped early (a budget, an error), committing its
/// work failed, or its merge conflicted and was not resolved. Recorded in the task's checkpoint before this event.
/// </summary>
/// <param name="Id">the subtask's id in the plan.</param>
/// <param name="Commit">the task branch's commit holding what it did before it stopped, when that was committed; otherwise null.</param>
/// <param name="Summary">what the build agent said it did, if anything (at most 2,000 characters).</param>
/// <param name="Steps">model steps the build agent took on it.</param>
/// <param name="Reason">why it failed, for a person.</param>
public sealed record SubtaskFailedPayload(string Id, string? Commit, string? Summary, int Steps, string? Reason);
