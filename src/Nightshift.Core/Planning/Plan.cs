namespace Nightshift.Core.Planning;

/// <summary>What the plan agent proposes: subtasks forming a dependency graph (acyclic once validated and recovered).</summary>
public sealed record Plan(IReadOnlyList<Subtask> Subtasks)
{
    /// <summary>The subtask with <paramref name="id"/>, or null.</summary>
    public Subtask? Find(string id) => Subtasks.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}
