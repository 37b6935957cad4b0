namespace Nightshift.Core.Planning;

/// <summary>What the plan agent proposes: subtasks forming a dependency graph (acyclic once validated and recovered).</summary>
public sealed record Plan(IReadOnlyList<Subtask> Subtasks)
{
    /// <summary>One short line saying what the whole change does; it becomes the task's title unless a person gave one.</summary>
    public string? Summary { get; init; }

    /// <summary>The subtask with <paramref name="id"/>, or null.</summary>
    public Subtask? Find(string id) => Subtasks.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}
