using Nightshift.Agent.Execution;

namespace Nightshift.Agent.Planning;

/// <summary>Whether a task is planned before it is built.</summary>
public static class PlanningPolicy
{
    /// <summary>Why <paramref name="instruction"/> is built without a plan under <paramref name="options"/>, or null when it is planned.</summary>
    public static string? SkipReason(AgentOptions options, string? instruction)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Planning)
        {
            case PlanningMode.Never:
                return "planning is off (Agent:Planning is never): the whole instruction is built as one subtask";
            case PlanningMode.Always:
                return null;
        }
        var text = (instruction ?? "").Trim();
        var lines = text.Split('\n').Count(l => !string.IsNullOrWhiteSpace(l));
        if (text.Length < options.PlanningMinInstructionChars && lines <= 1)
        {
            return $"the instruction is short ({text.Length} characters on one line); with Agent:Planning auto, instructions of "
                + $"{options.PlanningMinInstructionChars} characters or more, or of several lines, are planned — set Agent:Planning to always to plan every task";
        }
        return null;
    }
}
