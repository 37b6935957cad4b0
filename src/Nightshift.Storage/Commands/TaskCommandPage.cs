namespace Nightshift.Storage.Commands;

/// <summary>One page of a task's commands, oldest first; <see cref="Next"/> is the number to page on after, or null at the end.</summary>
public sealed record TaskCommandPage(IReadOnlyList<TaskCommand> Commands, long? Next)
{
    /// <summary>The most commands one page holds.</summary>
    public const int MaxLimit = 500;
}
