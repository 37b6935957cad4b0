namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>
/// One task the harness will submit. <paramref name="Marker"/> (e.g. <c>ft0007</c>) appears in the instruction, so the
/// scripted model knows which task a request is for; <paramref name="Subtasks"/> are the plan's subtask ids in order with
/// their dependencies; each subtask writes <c>{Marker}-{subtask}.txt</c>, which the repository's test checks.
/// </summary>
public sealed record FleetTaskSpec(
    int Number,
    string Marker,
    FleetTaskKind Kind,
    string Repository,
    IReadOnlyList<FleetSubtaskSpec> Subtasks,
    string Instruction,
    bool RequirePlanApproval);

/// <summary>A subtask of the scripted plan: its id and the ids it depends on.</summary>
public sealed record FleetSubtaskSpec(string Id, IReadOnlyList<string> DependsOn);
