using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>Where the plan being built came from. Stored in the checkpoint and sent in <c>plan.ready</c> under its wire name.</summary>
[JsonConverter(typeof(WireNameJsonConverter<PlanMode>))]
internal enum PlanMode
{
    /// <summary>The plan agent's plan (also what an unknown mode reads as, as it did before this type existed).</summary>
    Planned,

    /// <summary>Planning was skipped: the whole instruction is one subtask.</summary>
    Single,

    /// <summary>The plan agent produced nothing usable: the whole instruction is one subtask.</summary>
    Fallback,

    /// <summary>A person replaced the proposed plan when approving it.</summary>
    Edited,
}
