namespace Nightshift.Core.Planning;

/// <summary>
/// One step of a plan. <see cref="DependsOn"/> names subtasks that must finish before this one starts; higher
/// <see cref="Priority"/> runs first among subtasks that are ready at the same time.
/// </summary>
public sealed record Subtask(
    string Id,
    string Title,
    string Description,
    IReadOnlyList<string> DependsOn,
    int Priority,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Acceptance);
