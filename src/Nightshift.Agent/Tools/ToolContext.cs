namespace Nightshift.Agent.Tools;

/// <summary>What tools work on: the task's worktree, the sandboxed command runner and the diff of the change so far.</summary>
public sealed class ToolContext(Worktree worktree, ICommandRunner commands, IDiffSource diff, ToolLimits? limits = null)
{
    public Worktree Worktree { get; } = worktree;

    public ICommandRunner Commands { get; } = commands;

    public IDiffSource Diff { get; } = diff;

    public ToolLimits Limits { get; } = limits ?? new ToolLimits();
}
