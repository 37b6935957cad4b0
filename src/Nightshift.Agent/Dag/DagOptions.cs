namespace Nightshift.Agent.Dag;

/// <summary>How a plan's subtasks run (configuration section <c>Agent:Dag</c>).</summary>
public sealed class DagOptions
{
    public const string SectionName = "Agent:Dag";

    /// <summary>Largest accepted <see cref="MaxParallelism"/>: every parallel subtask holds a worktree and an agent.</summary>
    public const int MaxAllowedParallelism = 16;

    /// <summary>How many independent subtasks of one task build at the same time, each in its own worktree (1 to 16).</summary>
    public int MaxParallelism { get; set; } = 2;
}
