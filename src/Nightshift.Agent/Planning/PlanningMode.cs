namespace Nightshift.Agent.Planning;

/// <summary>When the plan agent runs before the build agent (<c>Agent:Planning</c>).</summary>
public enum PlanningMode
{
    /// <summary>Plan unless the instruction is short (see <c>Agent:PlanningMinInstructionChars</c>).</summary>
    Auto,

    /// <summary>Always plan, however small the task.</summary>
    Always,

    /// <summary>Never plan: the whole instruction is one subtask, as a single build agent.</summary>
    Never,
}
