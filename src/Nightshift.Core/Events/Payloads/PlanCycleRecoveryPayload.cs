using Nightshift.Core.Planning;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor for each rung of the cycle recovery ladder taken when the plan's dependencies form a cycle.</summary>
/// <param name="Rung">the rung: <c>ask_model</c>, <c>drop_lowest_priority_edges</c>, <c>run_linearly</c> or <c>fail</c>.</param>
/// <param name="Succeeded">true when this rung left an acyclic plan.</param>
/// <param name="Message">what was done, in words for a person.</param>
/// <param name="Cycles">the cycles found, each written <c>a → b → a</c>.</param>
/// <param name="DroppedEdges">dependencies this rung removed, each <c>{from, to}</c>.</param>
public sealed record PlanCycleRecoveryPayload(
    string Rung,
    bool Succeeded,
    string Message,
    IReadOnlyList<string> Cycles,
    IReadOnlyList<PlanEdge> DroppedEdges);
