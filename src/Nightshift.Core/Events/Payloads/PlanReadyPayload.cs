using Nightshift.Core.Planning;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the plan is settled: from the plan agent, one subtask when planning was skipped, or a plan approved by a person.</summary>
/// <param name="Mode">how the plan came about: <c>planned</c>, <c>single</c> or <c>fallback</c>.</param>
/// <param name="Subtasks">the subtasks.</param>
/// <param name="Edges">the dependencies, each <c>{from, to}</c>: <c>to</c> waits for <c>from</c>.</param>
/// <param name="Waves">subtask ids grouped into waves that may run in parallel, in order.</param>
/// <param name="Approved">true when a person approved this plan.</param>
public sealed record PlanReadyPayload(
    string Mode,
    IReadOnlyList<PlanReadySubtask> Subtasks,
    IReadOnlyList<PlanEdge> Edges,
    IReadOnlyList<IReadOnlyList<string>> Waves,
    bool Approved);
