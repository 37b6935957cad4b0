namespace Nightshift.Core.Events.Payloads;

/// <summary>One subtask of a <c>plan.ready</c> event.</summary>
/// <param name="Id">the subtask's id.</param>
/// <param name="Title">its title.</param>
/// <param name="Description">what to do.</param>
/// <param name="DependsOn">ids of subtasks that must finish first.</param>
/// <param name="Priority">higher runs first among subtasks ready at the same time.</param>
/// <param name="Files">files it expects to touch.</param>
/// <param name="Acceptance">how to tell it is done.</param>
/// <param name="Fingerprint">a hash of the subtask and what it depends on; a resumed attempt skips a subtask finished with the same one.</param>
public sealed record PlanReadySubtask(
    string Id,
    string Title,
    string Description,
    IReadOnlyList<string> DependsOn,
    int Priority,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Acceptance,
    string? Fingerprint);
