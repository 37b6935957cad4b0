using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

/// <summary>Short builders for plans in tests: "a:b,c" is subtask a depending on b and c.</summary>
internal static class Plans
{
    public static Subtask Task(string id, int priority = 0, params string[] dependsOn) =>
        new(id, $"Do {id}", $"Change things for {id}.", dependsOn, priority, [], []);

    public static Plan Of(params Subtask[] subtasks) => new(subtasks);

    public static Plan Graph(params string[] specs) => new([.. specs.Select(spec =>
    {
        var parts = spec.Split(':');
        var dependsOn = parts.Length > 1 && parts[1].Length > 0 ? parts[1].Split(',') : [];
        return Task(parts[0], 0, dependsOn);
    })]);
}
