namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the plan agent gave no usable plan; the whole instruction runs as one subtask.</summary>
/// <param name="Reason">why no plan was usable.</param>
/// <param name="Submissions">how many submit_plan calls the plan agent made, valid or not.</param>
public sealed record PlanFallbackPayload(
    string Reason,
    int Submissions);
