using System.Text.Json.Nodes;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor while the plan agent's submit_plan call arrives: one per subtask seen, before the plan is checked.</summary>
/// <param name="Submission">which submit_plan call of the plan agent, 1 for the first.</param>
/// <param name="Index">the subtask's position in that call, 0 for the first.</param>
/// <param name="Subtask">the subtask as far as it could be read, clipped (nothing in it is validated).</param>
public sealed record PlanPartialPayload(
    int Submission,
    int Index,
    JsonObject Subtask);
