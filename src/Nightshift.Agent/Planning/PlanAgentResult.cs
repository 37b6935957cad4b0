using Nightshift.Core.Planning;

namespace Nightshift.Agent.Planning;

/// <summary>What the plan agent produced: a valid plan (possibly with cycles, for the recovery ladder), or why there is none.</summary>
/// <param name="Submissions">submit_plan calls made, valid or not.</param>
public sealed record PlanAgentResult(Plan? Plan, string? FailureReason, int Submissions, int Steps)
{
    /// <summary>The question the plan agent asked through the ask tool: planning stopped to wait for the answer.</summary>
    public string? Question { get; init; }
}
